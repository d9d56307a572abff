using System.CommandLine;

namespace Relax.Cli;

/// <summary>What every command shares: the recursive <c>--verbose</c> option, the output streams and whether standard
/// error is an interactive terminal (for progress bars).</summary>
internal sealed record CliContext(Option<bool> Verbose, TextWriter Output, TextWriter Error, bool Interactive);
