namespace Relax.Samples;

/// <summary>Where the repository and the owners' shared data are.</summary>
public static class SamplePaths
{
    /// <summary>The folder holding Relax.sln, walking up from the current directory and then from the program's own
    /// folder; null when neither lies inside a checkout.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Relax.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }

    /// <summary>The study's recordings beside the checkout, <c>../shared/data/animal-sounds</c>, when present.</summary>
    public static string? SharedAnimalSounds()
    {
        var root = RepositoryRoot();
        var path = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "animal-sounds"));
        return path is not null && Directory.Exists(path) ? path : null;
    }
}
