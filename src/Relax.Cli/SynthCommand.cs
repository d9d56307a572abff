using System.CommandLine;
using Relax.Audio;
using Relax.Audio.Synthetic;

namespace Relax.Cli;

/// <summary><c>relax synth</c>: writes a generated dog, cat or bird clip (the default model's world) as a WAV file.</summary>
internal static class SynthCommand
{
    public static Command Create(Option<bool> verbose, TextWriter output, TextWriter error)
    {
        var kind = new Argument<string>("class") { Description = "dog, cat or bird." };
        var outputPath = new Option<string>("--output", "-o") { Description = "The WAV file to write (16 kHz, 16-bit, mono).", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "Length; every second holds one generated clip.", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the first clip.", DefaultValueFactory = _ => 0 };
        var command = new Command("synth", "Write a generated animal-like sound (the default model's training world) as WAV.") { kind, outputPath, seconds, seed };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(verbose), error, () =>
        {
            var name = parse.GetRequiredValue(kind);
            if (!Enum.TryParse<AnimalClass>(name, ignoreCase: true, out var label) || !Enum.IsDefined(label))
            {
                throw new CliException($"Unknown class '{name}'; use dog, cat or bird.");
            }
            double length = parse.GetValue(seconds);
            if (length is < 1 or > 600)
            {
                throw new CliException("--seconds must lie between 1 and 600.");
            }
            var synthesizer = new AnimalSoundSynthesizer();
            var samples = new List<float>();
            int clips = (int)Math.Ceiling(length);
            for (int i = 0; i < clips; i++)
            {
                samples.AddRange(synthesizer.Generate(label, parse.GetValue(seed) + i).Samples);
            }
            var target = parse.GetRequiredValue(outputPath);
            WavWriter.WritePcm16(target, samples.Take((int)(length * 16000)).ToArray(), 16000);
            output.WriteLine($"Wrote {clips} generated {label.ToString().ToLowerInvariant()} clip(s), {length:F1} s → {target}");
        }));
        return command;
    }
}
