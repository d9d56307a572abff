using Relax.IO;

namespace Relax.Cli.Tests;

/// <summary><c>--model FILE.onnx|FILE.pt</c> with its card: the reference models of tools/reference/models
/// (written by tools/reference/exported_models.py) explained and evaluated by the command, and what is refused.</summary>
public sealed class ExportedModelCommandTests
{
    private static string Model(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tools", "reference", "models", file);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException($"tools/reference/models/{file} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void The_same_model_as_onnx_and_as_torchscript_gives_the_same_relax_maps_with_the_same_masks()
    {
        CliHarness.InTempFolder("exported", root =>
        {
            string[] settings = ["explain", CliHarness.Clip, "--masks", "time-frequency", "-n", "256", "--example", "1", "--no-figures"];
            var (code, output, error) = CliHarness.Run([.. settings, "--model", Model("logmel-cnn.onnx"), "-o", Path.Combine(root, "onnx")]);
            Assert.True(code == 0, error);
            Assert.Matches("Model: ONNX model logmel-cnn \\(file SHA-256 [0-9a-f]{64}, card [0-9a-f]{16}\\)", output);
            (code, output, error) = CliHarness.Run([.. settings, "--model", Model("logmel-cnn.pt"), "-o", Path.Combine(root, "torchscript")]);
            Assert.True(code == 0, error);
            Assert.Contains("Model: TorchScript model logmel-cnn", output, StringComparison.Ordinal);

            var map = Path.Combine("synthetic-bird", "example-001", "time-frequency", "saliency.npy");
            var (onnx, _) = NpyFile.Read(Path.Combine(root, "onnx", map));
            var (torchscript, _) = NpyFile.Read(Path.Combine(root, "torchscript", map));
            Assert.True(Correlation(onnx, torchscript) >= 0.9999);
            Assert.Contains("ONNX model logmel-cnn", File.ReadAllText(Path.Combine(root, "onnx", "corpus.json")), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_shipped_default_model_exported_as_onnx_and_as_torchscript_gives_the_native_models_relax_maps()
    {
        CliHarness.InTempFolder("exported-default", root =>
        {
            string[] settings = ["explain", CliHarness.Clip, "--masks", "time-frequency", "-n", "256", "--example", "0", "--no-figures"];
            foreach (var (name, model) in new[] { ("native", "default"), ("onnx", Model("default-model.onnx")), ("torchscript", Model("default-model.pt")) })
            {
                var (code, _, error) = CliHarness.Run([.. settings, "--model", model, "-o", Path.Combine(root, name)]);
                Assert.True(code == 0, error);
            }
            var map = Path.Combine("synthetic-bird", "example-000", "time-frequency", "saliency.npy");
            var (native, _) = NpyFile.Read(Path.Combine(root, "native", map));
            foreach (var exported in new[] { "onnx", "torchscript" })
            {
                var (maps, _) = NpyFile.Read(Path.Combine(root, exported, map));
                double r = Correlation(native, maps);
                Assert.True(r >= 0.9999, $"{exported}: r = {r}");
            }

            // LRP: the scripted network's layers are rebuilt (a VGG-pattern stack); the ONNX graph's are not, in one line.
            string[] lrp = ["evaluate", CliHarness.Clip, "--explainers", "lrp", "--examples-per-file", "1", "--no-audio", "--no-figures", "--replace", "mean"];
            var (lrpCode, _, lrpError) = CliHarness.Run([.. lrp, "--model", Model("default-model.pt"), "-o", Path.Combine(root, "lrp-torchscript")]);
            Assert.True(lrpCode == 0, lrpError);
            Assert.True(File.Exists(Path.Combine(root, "lrp-torchscript", "clips", "synthetic-bird-e000", "map-lrp.npy")));
            (lrpCode, _, lrpError) = CliHarness.Run([.. lrp, "--model", Model("default-model.onnx"), "-o", Path.Combine(root, "lrp-onnx")]);
            Assert.Equal(RelaxCli.Failure, lrpCode);
            Assert.Contains("lrp walks the network layer by layer", lrpError, StringComparison.Ordinal);
            Assert.Single(lrpError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        });
    }

    [Fact]
    public void Evaluate_runs_what_an_onnx_model_allows_and_refuses_gradients_in_one_line()
    {
        CliHarness.InTempFolder("exported-evaluate", root =>
        {
            var onnx = Model("logmel-tf.onnx");
            var (code, output, error) = CliHarness.Run("evaluate", CliHarness.Clip, "--model", onnx, "-n", "32", "--examples-per-file", "1", "--no-figures", "--no-audio", "-o", root);
            Assert.True(code == 0, error);
            Assert.Contains("explainers relax, u-relax, occlusion; ", output, StringComparison.Ordinal); // no head: no rise; no autograd, no layers: no gradient, IG, LRP

            (code, _, error) = CliHarness.Run("evaluate", CliHarness.Clip, "--model", onnx, "--explainers", "relax,integrated-gradients", "-o", Path.Combine(root, "ig"));
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("integrated-gradients needs the gradient of the embedding with respect to the input, and this model runs outside autograd (an ONNX model); leave integrated-gradients out, or export the model as TorchScript.", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // TorchScript is differentiable: the same network gets gradient explanations.
            (code, _, error) = CliHarness.Run("evaluate", CliHarness.Clip, "--model", Model("logmel-tf.pt"), "--explainers", "gradient", "--examples-per-file", "1", "--no-figures", "--no-audio", "-o", Path.Combine(root, "gradient"));
            Assert.True(code == 0, error);
        });
    }

    [Fact]
    public void A_model_file_the_catalog_cannot_load_weights_beside_it_and_a_card_without_a_model_are_one_line_each()
    {
        CliHarness.InTempFolder("exported-refused", root =>
        {
            var (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model", "model.tflite", "-o", root);
            Assert.Equal(RelaxCli.UsageError, code);
            Assert.Contains("--model model.tflite: not a model file this catalog loads; use .pt (torchscript), .ts (torchscript), .torchscript (torchscript), .onnx (onnx), or one of: vggish, default, torchscript, onnx.", error, StringComparison.Ordinal);

            (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model", Model("logmel-cnn.onnx"), "--weights", "x.pth", "-o", root);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("--weights x.pth: an exported model (" + Model("logmel-cnn.onnx") + ") holds its own weights; leave --weights out.", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model-card", "vggish", "-o", root);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("--model-card vggish: a card describes an exported model's file; give the file with --model FILE.onnx or FILE.pt.", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // A worker without the model file refuses before it joins, in one line (a worker with another file or card
            // has another identity, which the cluster refuses as it does any other model).
            var missing = Path.Combine(root, "elsewhere", "model.onnx");
            (code, _, error) = CliHarness.Run("worker", "--cluster", "127.0.0.1:9", "--model", missing, "--model-card", "vggish");
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains($"{missing}: no such file; expected an ONNX model (.onnx).", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // relax latent embeds a waveform model's own examples (their samples) and a 32 kHz log-mel card's.
            var folder = Path.Combine(root, "recordings");
            Directory.CreateDirectory(folder);
            for (int k = 0; k < 3; k++)
            {
                var noise = new Random(k);
                Relax.Audio.WavWriter.WritePcm16(Path.Combine(folder, $"r{k}.wav"), Enumerable.Range(0, 24_000).Select(_ => (float)(0.2 * (2 * noise.NextDouble() - 1))).ToArray(), 16_000);
            }
            foreach (var (model, card, dimensions) in new[] { ("wave-encoder.onnx", (string?)null, 12), ("logmel-cnn.onnx", Model("card-32k.json"), 16) })
            {
                string[] args = ["latent", folder, "--model", Model(model), .. card is null ? Array.Empty<string>() : ["--model-card", card], "--neighbours", "1", "-o", Path.Combine(root, "latent-" + model)];
                (code, _, error) = CliHarness.Run(args);
                Assert.True(code == 0, error);
                var (_, embeddingShape) = NpyFile.Read(Path.Combine(root, "latent-" + model, "embeddings.npy"));
                Assert.Equal(new long[] { 3, dimensions }, embeddingShape);
            }

            // Its masked cells are silenced: another replacement is refused, in one line.
            (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model", Model("wave-encoder.onnx"), "--replace", "mean", "-o", root);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("--replace mean: ONNX model wave-encoder (file SHA-256 ", error, StringComparison.Ordinal);
            Assert.Contains("is a waveform model, whose masked STFT cells are silenced (zero); leave --replace out.", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // The vggish preset does not fit this model (it takes (N, F, T)): refused at load, naming both shapes.
            (code, _, error) = CliHarness.Run("explain", CliHarness.Clip, "--model", Model("logmel-tf.onnx"), "--model-card", "vggish", "-o", root);
            Assert.Equal(RelaxCli.Failure, code);
            Assert.Contains("the graph's input 'spectrogram' is Float (?, 64, 96); the card's input.layout N,1,T,F asks for float (N, 1, 96, 64).", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        });
    }

    [Fact]
    public void A_log_mel_model_with_its_own_preprocessing_gets_the_python_references_examples_and_its_evidence_at_its_rate()
    {
        CliHarness.InTempFolder("card-32k", root =>
        {
            // logmel-cnn read through a card with PANNs-like analysis: 32 kHz, window 1024, hop 320, FFT 1024, 64 bands
            // 50-14000 Hz, of a 32 kHz chirp (tools/reference/card_logmel_reference.py wrote the card, the recording and
            // the reference's examples).
            var (code, stdout, error) = CliHarness.Run("explain", Model("card-32k-input.wav"), "--model", Model("logmel-cnn.onnx"), "--model-card", Model("card-32k.json"),
                "--masks", "time-frequency", "-n", "64", "--audio", "-o", root);
            Assert.True(code == 0, error);
            Assert.Contains("Model: ONNX model logmel-cnn-32k", stdout, StringComparison.Ordinal);
            Assert.Contains("Log-mel model with its own preprocessing: examples of 96 frames (0.982 s) at 32000 Hz every 0.96 s; window 1024, hop 320, FFT 1024, 64 bands 50–14000 Hz, log offset 1E-06.", stdout, StringComparison.Ordinal);
            var (expected, shape) = NpyFile.Read(Model("card-32k-input-logmel.npy"));
            Assert.Equal(new long[] { 2, 96, 64 }, shape);
            for (int k = 0; k < 2; k++)
            {
                var example = Path.Combine(root, "card-32k-input", $"example-{k:D3}");
                var (actual, _) = NpyFile.Read(Path.Combine(example, "logmel.npy"));
                double max = actual.Select((v, i) => Math.Abs(v - expected[k * 6144 + i])).Max();
                Assert.True(max <= 1e-4, $"example {k}: max |Δ| {max:E2} from the Python reference"); // float64 inside both
                // One example spans 1024 + 95 x 320 = 31 424 samples at 32 kHz: its evidence is written at that rate.
                var evidence = File.ReadAllBytes(Path.Combine(example, "time-frequency", "evidence.wav"));
                Assert.Equal((44 + 2 * 31_424, 32_000), (evidence.Length, BitConverter.ToInt32(evidence, 24)));
            }
            Assert.Contains("\"front-end.hop-samples\": \"30720\"", File.ReadAllText(Path.Combine(root, "corpus.json")), StringComparison.Ordinal);

            // relax evaluate reads its clips the same way (its audio-domain scores, which render VGGish's cells, are off).
            (code, stdout, error) = CliHarness.Run("evaluate", Model("card-32k-input.wav"), "--model", Model("logmel-cnn.onnx"), "--model-card", Model("card-32k.json"),
                "--explainers", "occlusion", "--replace", "mean", "-o", Path.Combine(root, "evaluate"));
            Assert.True(code == 0, error);
            Assert.Contains("Audio-domain scores: off", stdout, StringComparison.Ordinal);
            var (map, mapShape) = NpyFile.Read(Path.Combine(root, "evaluate", "clips", "card-32k-input-e001", "map-occlusion.npy"));
            Assert.Equal(new long[] { 96, 64 }, mapShape);
            Assert.True(map.Max() > map.Min(), "a constant occlusion map");
            Assert.Equal(2, Directory.GetDirectories(Path.Combine(root, "evaluate", "clips")).Length);
            Assert.Contains(File.ReadAllLines(Path.Combine(root, "evaluate", "per-class.csv")), l => l.StartsWith("all,2,occlusion,mean,", StringComparison.Ordinal));
        });
    }

    [Theory]
    [InlineData("wave-planted.onnx")]
    [InlineData("wave-planted.pt")]
    public void A_waveform_model_that_reads_one_band_of_one_second_is_explained_there_with_its_evidence_as_sound(string file)
    {
        CliHarness.InTempFolder("waveform", root =>
        {
            // The model's embedding is the power of 1-2 kHz in second 1-2, so only those cells can move it.
            var wav = PlantedWav(root);
            var output = Path.Combine(root, "out");
            var (code, stdout, error) = CliHarness.Run("explain", wav, "--model", Model(file), "--masks", "random-grid", "-n", "500", "--audio", "-o", output);
            Assert.True(code == 0, error);
            Assert.Contains("Waveform model: examples of 3 s at 16000 Hz every 3 s; masks on STFT cells (400-sample window, hop 160, 257 bins), masked cells silenced.", stdout, StringComparison.Ordinal);
            Assert.Contains("replacement zero", stdout, StringComparison.Ordinal);

            var example = Path.Combine(output, "planted", "example-000");
            var (spectrogram, inputShape) = NpyFile.Read(Path.Combine(example, "spectrogram.npy"));
            Assert.Equal(new long[] { 301, 257 }, inputShape);
            var (saliency, shape) = NpyFile.Read(Path.Combine(example, "random-grid", "saliency.npy"));
            Assert.Equal(new long[] { 301, 257 }, shape);
            // The top 1 % of cells (773): all in 0.9-2.1 s (frames 90-210) x 0.9-2.1 kHz (bins 29-67).
            var top = Enumerable.Range(0, saliency.Length).OrderByDescending(c => saliency[c]).Take(773).ToList();
            int inside = top.Count(c => c / 257 is >= 90 and <= 210 && c % 257 is >= 29 and <= 67);
            Assert.True(inside == top.Count, $"{inside} of {top.Count} top cells inside the planted band and second");
            foreach (var figure in new[] { "spectrogram.png", "random-grid/explanation.png", "random-grid/saliency.png" })
            {
                Assert.True(new FileInfo(Path.Combine(example, figure)).Length > 1000, figure);
            }

            // The evidence as sound, at the model's rate: the kept cells' audio and the rest sum to the recording (within
            // 16-bit rounding of each file), and the evidence is the planted tone where the model listens.
            // (Read back at 16 kHz as one 3-s example: a file at another rate would be converted and not match.)
            var whole = new Relax.Audio.WaveformExampleReader(16_000, 48_000, 48_000);
            float[] Read(string path) => whole.Read(path).Single();
            var evidence = Read(Path.Combine(example, "random-grid", "evidence.wav"));
            var without = Read(Path.Combine(example, "random-grid", "without-evidence.wav"));
            var recording = Read(wav);
            Assert.Equal(44 + 2 * 48_000, new FileInfo(Path.Combine(example, "random-grid", "evidence.wav")).Length);
            Assert.Equal(16_000, BitConverter.ToInt32(File.ReadAllBytes(Path.Combine(example, "random-grid", "evidence.wav")), 24));
            Assert.True(recording.Select((v, i) => Math.Abs(v - evidence[i] - without[i])).Max() < 2.0 / 32768 + 1e-7);
            double Rms(float[] x, int from, int to) => Math.Sqrt(x.AsSpan(from, to - from).ToArray().Average(v => (double)v * v));
            Assert.True(Rms(evidence, 20_000, 28_000) > 0.3, $"evidence rms in second 1-2: {Rms(evidence, 20_000, 28_000)}");
            Assert.True(Rms(evidence, 40_000, 48_000) < 0.05, $"evidence rms in second 2.5-3: {Rms(evidence, 40_000, 48_000)}");
        });
    }

    [Fact]
    public void A_waveform_model_is_evaluated_over_the_stft_cells_and_its_planted_evidence_flips_first()
    {
        CliHarness.InTempFolder("waveform-evaluate", root =>
        {
            var wav = PlantedWav(root);
            var output = Path.Combine(root, "out");
            var (code, stdout, error) = CliHarness.Run("evaluate", wav, "--model", Model("wave-planted.onnx"), "--explainers", "relax,occlusion",
                "--masks", "random-grid", "-n", "256", "--window", "20x16", "--stride", "20x16", "-o", output);
            Assert.True(code == 0, error);
            Assert.Contains("Audio-domain scores: off", stdout, StringComparison.Ordinal);
            Assert.Contains("replacements zero;", stdout, StringComparison.Ordinal);
            var (map, shape) = NpyFile.Read(Path.Combine(output, "clips", "planted-e000", "map-occlusion.npy"));
            Assert.Equal(new long[] { 301, 257 }, shape);
            Assert.True(new FileInfo(Path.Combine(output, "clips", "planted-e000", "explainers.png")).Length > 1000);
            // The model reads 1-2 kHz in second 1-2 (embedding (1, p), p about 1 here): removing the most relevant cells first
            // loses p at once, down to the floor cos((1, 0), (1, 1)) = 0.707; removing the least relevant first keeps it.
            var rows = File.ReadAllLines(Path.Combine(output, "per-class.csv")).Where(l => l.StartsWith("all,1,", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, rows.Count);
            foreach (var row in rows)
            {
                var cells = row.Split(',');
                var (morf, lerf, randomOrder) = (Number(cells[4]), Number(cells[5]), Number(cells[6]));
                Assert.True(morf < 0.75 && morf < randomOrder && lerf > 0.95, row);
            }

            // What a waveform model's evaluation cannot do, in one line each.
            foreach (var (args, message) in new[]
            {
                (new[] { "--replace", "mean" }, "--replace mean: ONNX model wave-planted"),
                (new[] { "--synthetic", "1" }, "--synthetic 1: the generated clips are VGGish log-mel examples"),
            })
            {
                (code, _, error) = CliHarness.Run(["evaluate", wav, "--model", Model("wave-planted.onnx"), .. args, "-o", Path.Combine(root, "refused")]);
                Assert.Equal(RelaxCli.Failure, code);
                Assert.Contains(message, error, StringComparison.Ordinal);
                Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
        });
    }

    /// <summary>Three seconds at 16 kHz in <paramref name="folder"/>/planted.wav: a 1.5 kHz tone (0.5) over white noise (0.05).</summary>
    private static string PlantedWav(string folder)
    {
        var random = new Random(3);
        var planted = Enumerable.Range(0, 48_000).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 1500 * i / 16_000.0) + 0.05 * (2 * random.NextDouble() - 1))).ToArray();
        var wav = Path.Combine(folder, "planted.wav");
        Relax.Audio.WavWriter.WritePcm16(wav, planted, 16_000);
        return wav;
    }

    private static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average(), ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
