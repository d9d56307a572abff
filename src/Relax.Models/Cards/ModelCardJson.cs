using System.Globalization;
using System.Text.Json;

namespace Relax.Models;

/// <summary>The model card's JSON form: strict reading (every field checked, unknown and repeated fields refused, one
/// line per error naming the file and the field) and canonical writing.</summary>
internal static class ModelCardJson
{
    private static readonly (string Text, InputLayout Layout)[] Layouts =
    [
        ("N,1,T,F", InputLayout.BatchChannelTimeFrequency), ("N,T,F", InputLayout.BatchTimeFrequency), ("N,F,T", InputLayout.BatchFrequencyTime),
        ("N,S", InputLayout.BatchSamples), ("N,1,S", InputLayout.BatchChannelSamples),
    ];

    public static string LayoutText(InputLayout layout) => Layouts.First(l => l.Layout == layout).Text;

    public static ModelCard Parse(byte[] utf8, string source)
    {
        var text = utf8.AsMemory();
        if (text.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            text = text[3..]; // a byte-order mark, as Windows editors write
        }
        if (!System.Text.Unicode.Utf8.IsValid(text.Span))
        {
            throw new ModelException($"{source}: not a model card: not UTF-8 text (save the card as UTF-8).");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ModelException($"{source}: not a model card: invalid JSON at line {e.LineNumber + 1} ({FirstLine(e.Message)}).", e);
        }
        using (document)
        {
            var card = new Fields(document.RootElement, source, "");
            var name = card.OptionalString("name");
            var input = Input(card.Object("input"));
            var output = card.Has("output") ? Output(card.Object("output")) : ModelOutput.First;
            card.RefuseOthers();
            return new ModelCard(name, input, output);
        }
    }

    private static ModelInput Input(Fields input)
    {
        var kind = input.String("kind");
        if (kind is not ("log-mel" or "waveform"))
        {
            throw input.Error("kind", $"\"{kind}\"; use \"log-mel\" or \"waveform\"");
        }
        var layout = input.String("layout");
        ModelInput result;
        if (kind == "log-mel")
        {
            var l = Layout(input, layout, InputLayout.BatchChannelTimeFrequency, InputLayout.BatchTimeFrequency, InputLayout.BatchFrequencyTime);
            int rate = input.Int("sampleRate", 1000, 384_000);
            int window = input.Int("windowSamples", 16, 65_536);
            int hop = input.Int("hopSamples", 1, window);
            int fft = input.Int("fftSize", window, 65_536);
            int bands = input.Int("melBands", 1, 512);
            double fmax = input.Double("fmaxHz", 1, rate / 2.0);
            double fmin = input.Double("fminHz", 0, fmax - 1);
            double offset = input.Double("logOffset", 1e-12, 1);
            int frames = input.Int("framesPerExample", 1, 10_000);
            int exampleHop = input.Has("exampleHopFrames") ? input.Int("exampleHopFrames", 1, frames) : frames;
            result = new LogMelInput(l, rate, window, hop, fft, bands, fmin, fmax, offset, frames, exampleHop);
        }
        else
        {
            var l = Layout(input, layout, InputLayout.BatchSamples, InputLayout.BatchChannelSamples);
            int rate = input.Int("sampleRate", 1000, 384_000);
            int samples = input.Int("samplesPerExample", 1, rate * 60);
            int hop = input.Has("exampleHopSamples") ? input.Int("exampleHopSamples", 1, samples) : samples;
            result = new WaveformInput(l, rate, samples, hop);
        }
        input.RefuseOthers();
        return result;
    }

    private static InputLayout Layout(Fields input, string text, params InputLayout[] accepted)
    {
        var match = Layouts.Where(l => accepted.Contains(l.Layout) && l.Text == text.Replace(" ", "", StringComparison.Ordinal)).ToList();
        return match.Count == 1
            ? match[0].Layout
            : throw input.Error("layout", $"\"{text}\"; a {input.Peek("kind")} input is {string.Join(", ", accepted.Select(a => $"\"{LayoutText(a)}\""))}");
    }

    private static ModelOutput Output(Fields output)
    {
        var name = output.OptionalString("name");
        int index = output.Has("index") ? output.Int("index", 0, 63) : 0;
        var reduce = output.Has("reduce") ? Reduction(output, output.String("reduce")) : OutputReduction.None;
        output.RefuseOthers();
        return new ModelOutput(name, index, reduce);
    }

    private static OutputReduction Reduction(Fields output, string text)
    {
        if (text == "none")
        {
            return OutputReduction.None;
        }
        if (text == "mean")
        {
            return OutputReduction.Mean;
        }
        if (text.StartsWith("token:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(6), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int token) && Math.Abs((long)token) <= 1_000_000)
        {
            return OutputReduction.Token(token);
        }
        throw output.Error("reduce", $"\"{text}\"; use \"none\" (the output is (N, D)), \"mean\" (over T of (N, T, D)) or \"token:K\" (token K of (N, T, D))");
    }

    public static string Write(ModelCard card)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            if (card.Name is { } name)
            {
                json.WriteString("name", name);
            }
            json.WriteStartObject("input");
            json.WriteString("kind", card.Input.Kind);
            json.WriteString("layout", LayoutText(card.Input.Layout));
            json.WriteNumber("sampleRate", card.Input.SampleRate);
            switch (card.Input)
            {
                case LogMelInput m:
                    json.WriteNumber("windowSamples", m.WindowSamples);
                    json.WriteNumber("hopSamples", m.HopSamples);
                    json.WriteNumber("fftSize", m.FftSize);
                    json.WriteNumber("melBands", m.MelBands);
                    json.WriteNumber("fminHz", m.FminHz);
                    json.WriteNumber("fmaxHz", m.FmaxHz);
                    json.WriteNumber("logOffset", m.LogOffset);
                    json.WriteNumber("framesPerExample", m.FramesPerExample);
                    json.WriteNumber("exampleHopFrames", m.ExampleHopFrames);
                    break;
                case WaveformInput w:
                    json.WriteNumber("samplesPerExample", w.SamplesPerExample);
                    json.WriteNumber("exampleHopSamples", w.ExampleHopSamples);
                    break;
            }
            json.WriteEndObject();
            json.WriteStartObject("output");
            if (card.Output.Name is { } output)
            {
                json.WriteString("name", output);
            }
            json.WriteNumber("index", card.Output.Index);
            json.WriteString("reduce", card.Output.Reduce.ToString());
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim().TrimEnd('.');

    /// <summary>An object's fields, each read once; what was not read is refused by <see cref="RefuseOthers"/>.</summary>
    private sealed class Fields
    {
        private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);
        private readonly string _source;
        private readonly string _path;

        public Fields(JsonElement element, string source, string path)
        {
            (_source, _path) = (source, path);
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new ModelException($"{source}: {(path.Length == 0 ? "the card" : path)} must be a JSON object.");
            }
            foreach (var property in element.EnumerateObject())
            {
                if (!_fields.TryAdd(property.Name, property.Value))
                {
                    throw Error(property.Name, "given twice");
                }
            }
        }

        public bool Has(string name) => _fields.ContainsKey(name);

        public string? Peek(string name) => _fields.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        public ModelException Error(string name, string what) => new($"{_source}: {_path}{name}: {what}.");

        private JsonElement Required(string name)
        {
            _read.Add(name);
            return _fields.TryGetValue(name, out var value) ? value : throw Error(name, "missing; docs/models.md lists the card's fields");
        }

        public Fields Object(string name) => new(Required(name), _source, $"{_path}{name}.");

        public string String(string name)
        {
            var value = Required(name);
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(name, $"expected a string, got {value.ValueKind.ToString().ToLowerInvariant()}");
            return text.Length is > 0 and <= 200 && !text.Any(char.IsControl) ? text : throw Error(name, "expected 1 to 200 characters on one line");
        }

        public string? OptionalString(string name) => Has(name) ? String(name) : null;

        public int Int(string name, int min, int max)
        {
            var value = Required(name);
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= min && n <= max
                ? n
                : throw Error(name, $"{Shown(value)}; expected a whole number from {min} to {max}");
        }

        public double Double(string name, double min, double max)
        {
            var value = Required(name);
            return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double x) && double.IsFinite(x) && x >= min && x <= max
                ? x
                : throw Error(name, string.Create(CultureInfo.InvariantCulture, $"{Shown(value)}; expected a number from {min} to {max}"));
        }

        public void RefuseOthers()
        {
            var unknown = _fields.Keys.FirstOrDefault(k => !_read.Contains(k));
            if (unknown is not null)
            {
                throw Error(unknown, "not a field of the card (a misspelling?); docs/models.md lists the card's fields");
            }
        }

        private static string Shown(JsonElement value)
        {
            var text = value.GetRawText();
            return text.Length <= 40 ? text : text[..40] + "…";
        }
    }
}
