namespace Relax.Runs;

/// <summary>Labels of recordings from their paths, for evaluations whose files carry no label list: the rule
/// <c>relax evaluate</c> uses.</summary>
public static class ClassLabels
{
    /// <summary>The class named by a word of the file's name or, failing that, of its nearest folder that names one
    /// (words split at '-', '_', '.' and spaces; a word must equal the class name or its plural: "synthetic-bird.wav",
    /// "dogs/clip1.wav"). Null when nothing names a class.</summary>
    /// <param name="file">The recording.</param>
    /// <param name="classNames">The model's class names (<c>AudioModel.ClassNames</c>), in label order.</param>
    public static int? FromPath(string file, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(classNames);
        var names = new[] { Path.GetFileNameWithoutExtension(file) }.Concat(Path.GetFullPath(file).Split(Path.DirectorySeparatorChar).Reverse().Skip(1));
        foreach (var name in names)
        {
            foreach (var word in name.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                for (int c = 0; c < classNames.Count; c++)
                {
                    if (word.Equals(classNames[c], StringComparison.OrdinalIgnoreCase) || word.Equals(classNames[c] + "s", StringComparison.OrdinalIgnoreCase))
                    {
                        return c;
                    }
                }
            }
        }
        return null;
    }
}
