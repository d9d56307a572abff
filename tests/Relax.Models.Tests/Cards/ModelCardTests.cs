namespace Relax.Models.Tests;

public class ModelCardTests
{
    private const string LogMel = """
        "kind": "log-mel", "layout": "N,F,T", "sampleRate": 16000, "windowSamples": 400, "hopSamples": 160,
        "fftSize": 512, "melBands": 64, "fminHz": 125, "fmaxHz": 7500, "logOffset": 0.01, "framesPerExample": 96
        """;

    [Fact]
    public void A_complete_log_mel_card_reads_every_field_and_defaults_what_may_be_left_out()
    {
        var card = ModelCard.Parse($$"""{ "name": "my-cnn", "input": { {{LogMel}} }, "output": { "name": "frames", "index": 1, "reduce": "token:-1" } }""");
        Assert.Equal("my-cnn", card.Name);
        var input = Assert.IsType<LogMelInput>(card.Input);
        Assert.Equal(new LogMelInput(InputLayout.BatchFrequencyTime, 16000, 400, 160, 512, 64, 125, 7500, 0.01, 96, 96), input);
        Assert.True(input.IsVGGishLogMel);
        Assert.Equal(new ModelOutput("frames", 1, OutputReduction.Token(-1)), card.Output);
        // exampleHopFrames defaults to framesPerExample; output defaults to the first, as it is.
        Assert.Equal(ModelOutput.First, ModelCard.Parse($$"""{ "input": { {{LogMel}} } }""").Output);
    }

    [Fact]
    public void A_waveform_card_reads_its_fields()
    {
        var card = ModelCard.Parse("""{ "input": { "kind": "waveform", "layout": "N,1,S", "sampleRate": 16000, "samplesPerExample": 16000, "exampleHopSamples": 8000 }, "output": { "reduce": "mean" } }""");
        Assert.Equal(new WaveformInput(InputLayout.BatchChannelSamples, 16000, 16000, 8000), card.Input);
        Assert.Equal(OutputReduction.Mean, card.Output.Reduce);
    }

    [Fact]
    public void The_canonical_json_reads_back_equal_and_the_fingerprint_ignores_spacing_but_not_values()
    {
        var card = ModelCard.Parse($$"""{ "name": "a", "input": { {{LogMel}} }, "output": { "index": 1, "reduce": "mean" } }""");
        var again = ModelCard.Parse(card.ToJson());
        Assert.Equal(card.ToJson(), again.ToJson());
        Assert.Equal(card.Fingerprint, again.Fingerprint);
        Assert.Equal(16, card.Fingerprint.Length);
        var other = ModelCard.Parse($$"""{ "name": "a", "input": { {{LogMel}} }, "output": { "index": 1, "reduce": "token:0" } }""");
        Assert.NotEqual(card.Fingerprint, other.Fingerprint);
        Assert.Equal(ModelCard.VGGish.ToJson(), ModelCard.Parse(ModelCard.VGGish.ToJson()).ToJson());
    }

    [Theory]
    [InlineData("""{ "input": { "kind": "mfcc" } }""", "card.json: input.kind: \"mfcc\"; use \"log-mel\" or \"waveform\".")]
    [InlineData("""{ "output": {} }""", "card.json: input: missing; docs/models.md lists the card's fields.")]
    [InlineData("""{ "input": { LOGMEL, "fftSize": 256 } }""", "card.json: input.fftSize: given twice.")]
    [InlineData("""{ "input": { LOGMEL, "hopSize": 160 } }""", "card.json: input.hopSize: not a field of the card (a misspelling?); docs/models.md lists the card's fields.")]
    [InlineData("""{ "input": { LOGMEL }, "output": { "reduce": "max" } }""", "card.json: output.reduce: \"max\"; use \"none\" (the output is (N, D)), \"mean\" (over T of (N, T, D)) or \"token:K\" (token K of (N, T, D)).")]
    [InlineData("""{ "input": { LOGMEL }, "output": { "index": -1 } }""", "card.json: output.index: -1; expected a whole number from 0 to 63.")]
    [InlineData("""{ "input": { LOGMEL }, "extra": 1 }""", "card.json: extra: not a field of the card (a misspelling?); docs/models.md lists the card's fields.")]
    [InlineData("""[1, 2]""", "card.json: the card must be a JSON object.")]
    [InlineData("""{ "input": { "kind": "waveform", "layout": "N,1,T,F", "sampleRate": 16000, "samplesPerExample": 100 } }""", "card.json: input.layout: \"N,1,T,F\"; a waveform input is \"N,S\", \"N,1,S\".")]
    [InlineData("""{ "input": { "kind": "waveform", "layout": "N,S", "sampleRate": "16k", "samplesPerExample": 100 } }""", "card.json: input.sampleRate: \"16k\"; expected a whole number from 1000 to 384000.")]
    [InlineData("""{ "input": { "kind": "waveform", "layout": "N,S", "sampleRate": 16000, "samplesPerExample": 100, "exampleHopSamples": 101 } }""", "card.json: input.exampleHopSamples: 101; expected a whole number from 1 to 100.")]
    [InlineData("""{ "input": { "kind": "log-mel", "layout": "N,T,F", "sampleRate": 16000, "windowSamples": 400, "hopSamples": 160, "fftSize": 256, "melBands": 64, "fminHz": 125, "fmaxHz": 7500, "logOffset": 0.01, "framesPerExample": 96 } }""", "card.json: input.fftSize: 256; expected a whole number from 400 to 65536.")]
    [InlineData("""{ "input": { "kind": "log-mel", "layout": "N,T,F", "sampleRate": 16000, "windowSamples": 400, "hopSamples": 160, "fftSize": 512, "melBands": 64, "fminHz": 125, "fmaxHz": 9000, "logOffset": 0.01, "framesPerExample": 96 } }""", "card.json: input.fmaxHz: 9000; expected a number from 1 to 8000.")]
    [InlineData("""{ "input": """, "card.json: not a model card: invalid JSON at line 1 (")]
    public void Each_wrong_field_is_one_line_naming_the_file_and_the_field(string json, string expected)
    {
        var e = Assert.Throws<ModelException>(() => ModelCard.Parse(json.Replace("LOGMEL", LogMel, StringComparison.Ordinal), "card.json"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_card_with_a_byte_order_mark_reads_and_one_that_is_not_utf8_or_is_a_pipe_is_one_line()
    {
        var folder = Directory.CreateTempSubdirectory("relax-card-").FullName;
        try
        {
            var card = Path.Combine(folder, "card.json");
            File.WriteAllBytes(card, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes($$"""{ "name": "bom", "input": { {{LogMel}} } }""")]);
            Assert.Equal("bom", ModelCard.Read(card).Name);
            File.WriteAllBytes(card, [.. "{ \"name\": \""u8, 0xFF, .. "\" }"u8]);
            Assert.Equal($"{card}: not a model card: not UTF-8 text (save the card as UTF-8).", Assert.Throws<ModelException>(() => ModelCard.Read(card)).Message);
            Assert.StartsWith("/dev/stdin: ", Assert.Throws<ModelException>(() => ModelCard.Read("/dev/stdin")).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_card_is_found_beside_the_model_given_explicitly_or_as_the_vggish_preset_and_its_absence_says_where_it_looked()
    {
        var folder = Directory.CreateTempSubdirectory("relax-card-").FullName;
        try
        {
            var model = Path.Combine(folder, "net.onnx");
            var e = Assert.Throws<ModelException>(() => ModelCard.For(model, null));
            Assert.Contains(Path.Combine(folder, "net.json"), e.Message, StringComparison.Ordinal);
            Assert.Contains("--model-card", e.Message, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, "net.json"), $$"""{ "name": "beside", "input": { {{LogMel}} } }""");
            Assert.Equal("beside", ModelCard.For(model, null).Name);
            Assert.Same(ModelCard.VGGish, ModelCard.For(model, "VGGish"));
            var big = Path.Combine(folder, "big.json");
            File.WriteAllText(big, new string(' ', ModelCard.MaxBytes + 1));
            Assert.StartsWith($"{big}: {ModelCard.MaxBytes + 1} bytes; a model card is JSON of at most 64 KiB", Assert.Throws<ModelException>(() => ModelCard.For(model, big)).Message, StringComparison.Ordinal);
            Assert.Equal($"{Path.Combine(folder, "none.json")}: no such file; expected a model card (JSON).", Assert.Throws<ModelException>(() => ModelCard.Read(Path.Combine(folder, "none.json"))).Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Log_mel_preprocessing_other_than_vggish_and_a_waveform_input_are_taken_as_the_card_states()
    {
        var folder = Directory.CreateTempSubdirectory("relax-card-").FullName;
        try
        {
            var model = Path.Combine(folder, "net.onnx");
            File.WriteAllBytes(model, [1, 2, 3]);
            File.WriteAllText(Path.Combine(folder, "net.json"), $$"""{ "input": { {{LogMel.Replace("\"melBands\": 64", "\"melBands\": 128", StringComparison.Ordinal)}} } }""");
            var file = ExportedModelFile.Read(model, "an ONNX model", null);
            Assert.Equal(128, Assert.IsType<LogMelInput>(file.Card.Input).MelBands);
            Assert.False(((LogMelInput)file.Card.Input).IsVGGishLogMel);
            File.WriteAllText(Path.Combine(folder, "net.json"), """{ "input": { "kind": "waveform", "layout": "N,S", "sampleRate": 16000, "samplesPerExample": 16000 } }""");
            Assert.Equal(new WaveformInput(InputLayout.BatchSamples, 16000, 16000, 16000), ExportedModelFile.Read(model, "an ONNX model", null).Card.Input);
            // The identity names the file's hash and the card's fingerprint.
            Assert.Equal($"ONNX model net (file SHA-256 039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81, card {file.Card.Fingerprint})", file.Identity("ONNX"));
            Assert.StartsWith($"{folder}: is a directory", Assert.Throws<ModelException>(() => ExportedModelFile.Read(folder, "an ONNX model", null)).Message, StringComparison.Ordinal);
            Assert.StartsWith($"{model}: 3 bytes; a model file is at most 2 bytes", Assert.Throws<ModelException>(() => ExportedModelFile.Read(model, "an ONNX model", null, maxBytes: 2)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
