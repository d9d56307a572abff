using System.CommandLine;
using Relax.IO;
using Relax.Models.VGGish;

namespace Relax.Cli;

/// <summary>
/// The <c>relax</c> command line. Exit codes: 0 success, 1 invalid command line, 2 failure (bad input, missing or
/// unusable weights). Errors go to standard error as one line; <c>--verbose</c> adds the stack trace.
/// </summary>
public static class RelaxCli
{
    /// <summary>Exit code of a failed command.</summary>
    public const int Failure = 2;

    /// <summary>Runs the command line in-process.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show stack traces of errors and more progress detail.", Recursive = true };
        var root = new RootCommand("Relax for .NET: explain audio representation models (RELAX on VGGish log-mel spectrograms).")
        {
            verbose,
            EmbedCommand(verbose, output, error),
            FeaturesCommand(verbose, output, error),
            ExplainCommand.Create(verbose, output, error, interactive: ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected),
            SynthCommand.Create(verbose, output, error),
            EvaluateCommand.Create(verbose, output, error),
        };
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private static Command EmbedCommand(Option<bool> verbose, TextWriter output, TextWriter error)
    {
        var input = new Argument<string>("input") { Description = "What to embed: a WAV file, or an .npy of (n, 96, 64) log-mel examples." };
        var weights = new Option<string?>("--weights", "-w")
        {
            Description = $"VGGish weights ({VGGishWeights.Network.FileName}, safetensors or TorchSharp format). Default: ${VGGishWeights.Network.EnvironmentVariable}, then the cache directory ({VGGishWeights.DefaultCacheDirectory}).",
        };
        var pca = new Option<string?>("--pca") { Description = $"PCA parameters ({VGGishWeights.Pca.FileName}): apply AudioSet's PCA, clipping and 8-bit quantisation. Default: raw embeddings." };
        var download = new Option<bool>("--download") { Description = "Allow downloading the official weights from GitHub into the cache directory when they are not found locally." };
        var outputPath = new Option<string>("--output", "-o") { Description = "The .npy file to write: float32 (n, 128).", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "float32, bfloat16 or float16.", DefaultValueFactory = _ => "float32" };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 64 };
        var noFinalRelu = new Option<bool>("--no-final-relu") { Description = "Omit the final ReLU (the pre-activation embedding of TensorFlow's current VGGish) instead of torchvggish's output." };

        var command = new Command("embed", "Compute VGGish embeddings of log-mel examples.")
        {
            input, weights, pca, download, outputPath, device, dtype, batchSize, noFinalRelu,
        };
        command.SetAction(parse => Guarded(parse.GetValue(verbose), error, () =>
        {
            var options = new VGGishEmbedderOptions
            {
                Device = Parse(() => VGGishEmbedderOptions.ParseDevice(parse.GetRequiredValue(device))),
                DType = Parse(() => VGGishEmbedderOptions.ParseDType(parse.GetRequiredValue(dtype))),
                BatchSize = Parse(() => new VGGishEmbedderOptions { BatchSize = parse.GetValue(batchSize) }.BatchSize),
            };
            var examples = ExampleSources.Read(parse.GetRequiredValue(input));
            var resolver = new VGGishWeightsResolver(new VGGishWeightsResolverOptions { AllowDownload = parse.GetValue(download) });
            var weightsPath = resolver.Resolve(VGGishWeights.Network, parse.GetValue(weights));
            var pcaArgument = parse.GetValue(pca);
            var pcaPath = pcaArgument is null ? null : resolver.Resolve(VGGishWeights.Pca, pcaArgument);
            using var embedder = VGGishEmbedder.FromFiles(weightsPath, pcaPath, options, finalRelu: !parse.GetValue(noFinalRelu));
            var embeddings = embedder.Embed(examples.Data, examples.Count);
            var target = parse.GetRequiredValue(outputPath);
            NpyFile.Write(target, embeddings);
            if (parse.GetValue(verbose))
            {
                output.WriteLine($"{examples.Count} embeddings ({(pcaPath is null ? "raw" : "PCA, quantised")}) from {weightsPath} → {target}");
            }
        }));
        return command;
    }

    private static Command FeaturesCommand(Option<bool> verbose, TextWriter output, TextWriter error)
    {
        var input = new Argument<string>("input") { Description = "A WAV file (any common encoding and rate), or an .npy of examples to check and convert to float32." };
        var outputPath = new Option<string>("--output", "-o") { Description = "The .npy file to write: float32 (n, 96, 64) log-mel examples.", Required = true };
        var command = new Command("features", "Compute VGGish log-mel examples (n, 96, 64) of an audio file.") { input, outputPath };
        command.SetAction(parse => Guarded(parse.GetValue(verbose), error, () =>
        {
            var examples = ExampleSources.Read(parse.GetRequiredValue(input));
            var target = parse.GetRequiredValue(outputPath);
            NpyFile.Write(target, examples.Data, new[] { examples.Count, VGGishNetwork.Frames, VGGishNetwork.Bands });
            if (parse.GetValue(verbose))
            {
                output.WriteLine($"{examples.Count} examples → {target}");
            }
        }));
        return command;
    }

    internal static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message.Split(" (Parameter", 2)[0], e);
        }
    }

    internal static int Guarded(bool verbose, TextWriter error, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is CliException or VGGishWeightsException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"relax: error: {e.Message}");
            if (verbose)
            {
                error.WriteLine(e.ToString());
            }
            return Failure;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"relax: unexpected error: {e.GetType().Name}: {e.Message}");
            error.WriteLine(verbose ? e.ToString() : "Run again with --verbose for details.");
            return Failure;
        }
    }
}
