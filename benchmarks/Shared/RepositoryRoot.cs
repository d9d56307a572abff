namespace Relax.Benchmarks.Shared;

/// <summary>Finds the repository (the folder holding Relax.sln) above a probe's output folder; compiled into each
/// benchmark project that reads the bundled clip or runs the built CLI.</summary>
internal static class RepositoryRoot
{
    /// <summary>The repository's root folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The probe does not run from inside the repository.</exception>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relax.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"Relax.sln not found above {AppContext.BaseDirectory}; run from the repository.");
    }
}
