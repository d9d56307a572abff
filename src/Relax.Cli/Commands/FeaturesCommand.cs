using System.CommandLine;
using Relax.IO;
using Relax.Models.VGGish;

namespace Relax.Cli.Commands;

/// <summary><c>relax features</c>: the VGGish log-mel examples (n, 96, 64) of a recording, as <c>.npy</c>.</summary>
internal static class FeaturesCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "A WAV file (any common encoding and rate), or an .npy of examples to check and convert to float32." };
        var outputPath = new Option<string>("--output", "-o") { Description = "The .npy file to write: float32 (n, 96, 64) log-mel examples.", Required = true };
        var pad = CliOptions.Pad();
        var hop = CliOptions.Hop();
        var command = new Command("features", "Compute VGGish log-mel examples (n, 96, 64) of an audio file.") { input, outputPath, pad, hop };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(context.Verbose), context.Error, () =>
        {
            var target = parse.GetRequiredValue(outputPath);
            RelaxCli.CheckWritableFile(target);
            // A window of examples at a time, so a recording of hours is framed in the memory of a short one.
            using var writer = new NpyStreamWriter(target, VGGishNetwork.Frames, VGGishNetwork.Bands);
            foreach (var examples in ExampleSources.Read(parse.GetRequiredValue(input), context.Error, CliOptions.FrontEnd(parse.GetValue(pad), parse.GetValue(hop))))
            {
                writer.Append(examples.Data);
            }
            writer.Commit();
            if (parse.GetValue(context.Verbose))
            {
                context.Output.WriteLine($"{writer.Rows} examples → {target}");
            }
        }));
        return command;
    }
}
