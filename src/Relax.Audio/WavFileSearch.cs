namespace Relax.Audio;

/// <summary>Finds the WAV files a path names: the file itself, or every <c>*.wav</c> under a folder. Written by hand
/// because <see cref="Directory.EnumerateFiles(string, string, EnumerationOptions)"/> with recursion follows links to
/// folders without remembering where it has been, so a link back up the tree never ends and two links to one folder
/// list its recordings twice.</summary>
public static class WavFileSearch
{
    /// <summary>The most folders one search visits: a bound on any tree, however its links are laid out.</summary>
    public const int MaxFolders = 1_000_000;

    /// <summary>The WAV files <paramref name="path"/> names: the file itself (whatever its extension), or every
    /// <c>*.wav</c> under a folder (any letter case; hidden files and folders and unreadable folders skipped), in
    /// ordinal order of their paths. Links to folders are followed, but each real folder is searched once, so a link
    /// back up the tree (<c>sub/up -> ..</c>) or two links to one folder add no recording twice and the search ends.
    /// A folder without WAV files gives an empty list.</summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>; the message names it.</exception>
    public static IReadOnlyList<string> Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return Under(path).Order(StringComparer.Ordinal).ToList();
        }
        return File.Exists(path) ? [path] : throw new FileNotFoundException($"{path}: no such file or folder.", path);
    }

    private static List<string> Under(string root)
    {
        var files = new List<string>();
        var searched = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0 && searched.Count < MaxFolders)
        {
            var folder = pending.Pop();
            // A folder reached through a link is searched under its own name only the first time its target is.
            if (!searched.Add(RealPath(folder)))
            {
                continue;
            }
            try
            {
                files.AddRange(Directory.EnumerateFiles(folder, "*.wav", OneFolder));
                foreach (var sub in Directory.EnumerateDirectories(folder, "*", OneFolder).Order(StringComparer.Ordinal).Reverse())
                {
                    pending.Push(sub);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable folder holds no recording a run can read.
            }
        }
        return files;
    }

    /// <summary>The most links one path's resolution follows (Linux's own limit): a bound on a chain of links.</summary>
    private const int MaxLinks = 40;

    /// <summary>The path with every link in it resolved, the same for every way of reaching a folder: a link at any
    /// level (not only the last) and a relative target (<c>up -> ..</c> inside a linked folder) resolve to the folder
    /// they name. Written by hand because .NET has no <c>realpath</c>: <see cref="FileSystemInfo.ResolveLinkTarget"/>
    /// resolves the last component only.</summary>
    private static string RealPath(string path)
    {
        int links = 0;
        return Resolve(Path.GetFullPath(path));

        string Resolve(string full)
        {
            var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(full));
            if (parent is null)
            {
                return full; // the root
            }
            var here = Path.Combine(Resolve(parent), Path.GetFileName(Path.TrimEndingDirectorySeparator(full)));
            var target = new DirectoryInfo(here).LinkTarget;
            return target is null || ++links > MaxLinks ? here : Resolve(Path.GetFullPath(target, Path.GetDirectoryName(here)!));
        }
    }

    private static readonly EnumerationOptions OneFolder = new()
    {
        RecurseSubdirectories = false, // Under recurses, following each real folder once
        MatchCasing = MatchCasing.CaseInsensitive,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden,
    };
}
