using System.CommandLine;
using Relax.IO;
using Relax.Models.VGGish;

namespace Relax.Cli.Commands;

/// <summary><c>relax embed</c>: VGGish embeddings (raw, or AudioSet's PCA and quantisation) of a WAV file or of
/// log-mel examples in an <c>.npy</c> file.</summary>
internal static class EmbedCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "What to embed: a WAV file, or an .npy of (n, 96, 64) log-mel examples." };
        var weights = CliOptions.Weights($"VGGish weights ({VGGishWeights.Network.FileName}, safetensors or TorchSharp format). Default: ${VGGishWeights.Network.EnvironmentVariable}, then the cache directory ({VGGishWeights.DefaultCacheDirectory}).");
        var pca = new Option<string?>("--pca") { Description = $"PCA parameters ({VGGishWeights.Pca.FileName}): apply AudioSet's PCA, clipping and 8-bit quantisation. Default: raw embeddings." };
        var download = new Option<bool>("--download") { Description = "Allow downloading the official weights from GitHub into the cache directory when they are not found locally." };
        var outputPath = new Option<string>("--output", "-o") { Description = "The .npy file to write: float32 (n, 128).", Required = true };
        var device = CliOptions.Device();
        var dtype = CliOptions.DType();
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 64 }.InRange(1, CliOptions.MaxBatch, what: "the batch size must be");
        var noFinalRelu = new Option<bool>("--no-final-relu") { Description = "Omit the final ReLU (the pre-activation embedding of TensorFlow's current VGGish) instead of torchvggish's output." };

        var command = new Command("embed", "Compute VGGish embeddings of log-mel examples.")
        {
            input, weights, pca, download, outputPath, device, dtype, batchSize, noFinalRelu,
        };
        command.SetAction(parse => RelaxCli.Guarded(parse.GetValue(context.Verbose), context.Error, () =>
        {
            var options = new VGGishEmbedderOptions
            {
                Device = parse.GetRequiredValue(device),
                DType = CliOptions.DTypeOf(parse, dtype),
                BatchSize = parse.GetValue(batchSize),
            };
            var target = parse.GetRequiredValue(outputPath);
            RelaxCli.CheckWritableFile(target);
            // A window of examples at a time, so a recording of hours is embedded in the memory of a short one. The first
            // window is read before the model is loaded: a bad input is reported before anything about the weights.
            using var windows = ExampleSources.Read(parse.GetRequiredValue(input), context.Error).GetEnumerator();
            bool any = windows.MoveNext();
            var resolver = new VGGishWeightsResolver(new VGGishWeightsResolverOptions { AllowDownload = parse.GetValue(download) });
            var weightsPath = resolver.Resolve(VGGishWeights.Network, parse.GetValue(weights));
            var pcaArgument = parse.GetValue(pca);
            var pcaPath = pcaArgument is null ? null : resolver.Resolve(VGGishWeights.Pca, pcaArgument);
            using var embedder = VGGishEmbedder.FromFiles(weightsPath, pcaPath, options, finalRelu: !parse.GetValue(noFinalRelu));
            RelaxCli.CheckBatchFits(options.BatchSize, embedder.ActivationBytesPerExample, "--batch-size");
            NpyStreamWriter? writer = null;
            try
            {
                long done = 0;
                for (; any; any = windows.MoveNext())
                {
                    var examples = windows.Current;
                    var embeddings = embedder.Embed(examples.Data, examples.Count);
                    for (int e = 0; e < embeddings.GetLength(0); e++)
                    {
                        for (int c = 0; c < embeddings.GetLength(1); c++)
                        {
                            if (!float.IsFinite(embeddings[e, c]))
                            {
                                // Finite but extreme inputs (3e38) overflow inside the network: refuse rather than write NaN.
                                throw new CliException($"the model's embedding of example {done + e} is not finite (NaN or infinite): its input values are out of the range of log-mel examples; nothing was written.");
                            }
                        }
                    }
                    writer ??= new NpyStreamWriter(target, embeddings.GetLength(1));
                    writer.Append(embeddings.Length == 0 ? [] : System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref embeddings[0, 0], embeddings.Length));
                    done += embeddings.GetLength(0);
                }
                writer?.Commit();
                if (parse.GetValue(context.Verbose))
                {
                    context.Output.WriteLine($"{done} embeddings ({(pcaPath is null ? "raw" : "PCA, quantised")}) from {weightsPath} → {target}");
                }
            }
            finally
            {
                writer?.Dispose();
            }
        }));
        return command;
    }
}
