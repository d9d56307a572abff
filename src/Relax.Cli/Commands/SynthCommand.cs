using System.CommandLine;
using Relax.Audio;
using Relax.Synthetic;

namespace Relax.Cli.Commands;

/// <summary><c>relax synth</c>: writes a generated dog, cat or bird clip (the default model's world) as a WAV file.</summary>
internal static class SynthCommand
{
    public static Command Create(CliContext context)
    {
        var kind = new Argument<string>("class") { Description = "dog, cat or bird." };
        var classes = Enum.GetNames<AnimalClass>().Select(n => n.ToLowerInvariant()).ToArray();
        kind.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!classes.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"class '{value}': unknown; use one of: {string.Join(", ", classes)}.");
            }
        });
        var outputPath = new Option<string>("--output", "-o") { Description = "The WAV file to write (16 kHz, 16-bit, mono).", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "Length in seconds, 1 to 600; every second holds one generated clip.", DefaultValueFactory = _ => 3 }
            .InRange(1, 600, what: "the length must lie");
        var seed = new Option<int>("--seed") { Description = "Seed of the first clip.", DefaultValueFactory = _ => 0 }.InRange(int.MinValue, int.MaxValue, what: "the seed must be");
        var command = new Command("synth", "Write a generated animal-like sound (the default model's training world) as WAV.") { kind, outputPath, seconds, seed };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(context.Verbose), context.Error, () =>
        {
            var label = Enum.Parse<AnimalClass>(parse.GetRequiredValue(kind), ignoreCase: true);
            double length = parse.GetValue(seconds);
            var synthesizer = new AnimalSoundSynthesizer();
            var samples = new List<float>();
            int clips = (int)Math.Ceiling(length);
            for (int i = 0; i < clips; i++)
            {
                samples.AddRange(synthesizer.Generate(label, parse.GetValue(seed) + i).Samples);
            }
            var target = parse.GetRequiredValue(outputPath);
            WavWriter.WritePcm16(target, samples.Take((int)(length * 16000)).ToArray(), 16000);
            context.Output.WriteLine($"Wrote {clips} generated {label.ToString().ToLowerInvariant()} clip(s), {length:F1} s → {target}");
        }));
        return command;
    }
}
