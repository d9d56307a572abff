using System.CommandLine;
using Relax.Cli.Commands;
using Relax.Models.VGGish;

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
        var context = new CliContext(verbose, output, error, Interactive: ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
        var root = new RootCommand("Relax for .NET: explain audio representation models (RELAX on VGGish log-mel spectrograms).")
        {
            verbose,
            EmbedCommand.Create(context),
            FeaturesCommand.Create(context),
            ExplainCommand.Create(context),
            SynthCommand.Create(context),
            EvaluateCommand.Create(context),
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
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is CliException or VGGishWeightsException or IOException or UnauthorizedAccessException or InvalidDataException or NonFiniteEmbeddingException)
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
