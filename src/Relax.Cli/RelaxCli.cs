using System.CommandLine;
using Relax.Cli.Commands;
using Relax.Hosting;
using Relax.Models;
using Relax.Models.Onnx;
using Relax.Models.TorchScript;
using Relax.Models.VGGish;
using Relax.Runs;
using Relax.Synthetic;

namespace Relax.Cli;

/// <summary>
/// The <c>relax</c> command line. Exit codes: 0 success, 1 invalid command line (an unknown option, a missing or
/// out-of-range value: each reported as one line), 2 failure (bad input, missing or unusable weights). Errors go to
/// standard error as one line; <c>--verbose</c> adds the stack trace.
/// </summary>
internal static class RelaxCli
{
    /// <summary>Exit code of an invalid command line.</summary>
    public const int UsageError = 1;

    /// <summary>Exit code of a failed command.</summary>
    public const int Failure = 2;

    /// <summary>Exit code of a command interrupted with Ctrl+C (128 + SIGINT), as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>The models of the <c>relax</c> command: Google's VGGish (chosen without <c>--model</c> when its weights
    /// are given or installed), then the shipped default model; exported models by their file (<c>--model model.pt</c>:
    /// TorchScript, <c>--model model.onnx</c>: ONNX Runtime). A new catalog each time: the VGGish provider reads
    /// where the cache is (<c>$XDG_CACHE_HOME</c>, <c>$HOME</c>) when it is made.</summary>
    public static ModelCatalog BuiltInModels => new([new VGGishModelProvider(), new DefaultModelProvider(), new TorchScriptModelProvider(), new OnnxModelProvider()]);

    /// <summary>Runs the command line in-process.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="models">The models <c>--model</c> chooses from; default <see cref="BuiltInModels"/>.</param>
    /// <param name="cancellationToken">Stops a long command as Ctrl+C does (a worker leaves the cluster).</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error, ModelCatalog? models = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show stack traces of errors and more progress detail.", Recursive = true };
        var context = new CliContext(verbose, output, error, Interactive: ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected, models ?? BuiltInModels, cancellationToken);
        var root = new RootCommand("Relax for .NET: explain audio representation models (RELAX on VGGish log-mel spectrograms).")
        {
            verbose,
            EmbedCommand.Create(context),
            FeaturesCommand.Create(context),
            ExplainCommand.Create(context),
            SynthCommand.Create(context),
            EvaluateCommand.Create(context),
            LatentCommand.Create(context),
            WorkerCommand.Create(context),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per problem, then where to look: the full help after a typo buries the message.
            foreach (var problem in parse.Errors)
            {
                error.WriteLine($"relax: {problem.Message}");
            }
            var command = parse.CommandResult.Command;
            error.WriteLine(ReferenceEquals(command, root) ? "Run 'relax --help' for the commands." : $"Run 'relax {command.Name} --help' for its options.");
            return UsageError;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>Runs a command's work, turning the errors a user can fix into one line and exit code 2.</summary>
    internal static int Guarded(bool verbose, TextWriter error, Action action)
    {
        if (verbose)
        {
            error.WriteLine($"relax: {NativeThreads.Describe()}.");
        }
        try
        {
            action();
            return 0;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("relax: interrupted.");
            return Interrupted;
        }
        catch (Exception e) when (e is CliException or ModelException or IOException or UnauthorizedAccessException or InvalidDataException or NonFiniteEmbeddingException or CorpusSettingsMismatchException)
        {
            error.WriteLine($"relax: error: {(verbose ? e.Message : FirstLine(e.Message))}");
            if (verbose)
            {
                error.WriteLine(e.ToString());
            }
            return Failure;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"relax: unexpected error: {e.GetType().Name}: {(verbose ? e.Message : FirstLine(e.Message))}");
            error.WriteLine(verbose ? e.ToString() : "Run again with --verbose for details.");
            return Failure;
        }
    }

    /// <summary>The first line of a message: libtorch's errors append a C++ backtrace of a dozen lines or more, which
    /// only <c>--verbose</c> shows.</summary>
    internal static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        var first = end < 0 ? message : message[..end].TrimEnd();
        return end < 0 || first.EndsWith('.') ? first : first + " (--verbose shows the rest)";
    }

    /// <summary>Prints a model's notice (advice for the user, <see cref="AudioModel.Notice"/>) as one "Note:" line.</summary>
    internal static void WriteNotice(TextWriter output, string? notice)
    {
        if (notice is not null)
        {
            output.WriteLine($"Note: {notice}.");
        }
    }

    /// <summary>Refuses a path that names no file: a folder is "a directory" (not "no such file"), anything missing is
    /// "no such file", each in one line that says what was expected.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="expected">What the option or argument takes, e.g. "a WAV file".</param>
    /// <param name="prefix">The option's name and a space, when the path came with one (e.g. "--labels ").</param>
    /// <exception cref="CliException">The path is a directory or does not exist.</exception>
    internal static void CheckFileExists(string path, string expected, string prefix = "")
    {
        if (Directory.Exists(path))
        {
            throw new CliException($"{prefix}{path}: is a directory; expected {expected}.");
        }
        if (!File.Exists(path))
        {
            throw new CliException($"{prefix}{path}: no such file.");
        }
    }

    /// <summary>Makes sure an output folder can be written before any work starts: creates it and writes and deletes a
    /// probe file in it.</summary>
    /// <exception cref="CliException">It cannot be created or written.</exception>
    internal static void CheckWritableFolder(string folder, string option = "--output")
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".relax-write-check-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CliException($"{option} {folder}: cannot write there ({e.Message}).", e);
        }
    }

    /// <summary>Makes sure an output file's folder can be written before any work starts.</summary>
    internal static void CheckWritableFile(string file, string option = "--output")
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null)
        {
            CheckWritableFolder(folder, option);
        }
    }

    /// <summary>Refuses a batch whose activations cannot fit in memory, with the largest batch that can.</summary>
    /// <exception cref="CliException">The estimate exceeds half of the memory available to this process.</exception>
    internal static void CheckBatchFits(int batch, long bytesPerExample, string option = "--batch")
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available <= 0)
        {
            return; // the runtime does not know the machine's memory: nothing to judge against
        }
        long budget = available / 2;
        if ((double)batch * bytesPerExample > budget)
        {
            long largest = Math.Max(1, budget / Math.Max(1, bytesPerExample));
            throw new CliException($"{option} {batch}: one batch would need about {batch * (double)bytesPerExample / (1L << 30):F1} GiB for the model's activations, more than half of the {available / (double)(1L << 30):F1} GiB available; use at most {largest}.");
        }
    }
}
