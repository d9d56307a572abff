namespace Relax.Models;

/// <summary>Reads a small file whole, refusing before any allocation what is too large, and turning every failure into
/// one <see cref="ModelException"/> line that names the file: what model cards and exported model files are read with.</summary>
internal static class BoundedFile
{
    /// <summary>The file's bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="expected">What the file should be ("a model card (JSON)"), for messages.</param>
    /// <param name="tooLarge">The reason a file of the given size is refused (after "PATH: ").</param>
    /// <exception cref="ModelException">A directory, missing, empty, too large or unreadable.</exception>
    public static byte[] Read(string path, long maxBytes, string expected, Func<long, string> tooLarge)
    {
        if (Directory.Exists(path))
        {
            throw new ModelException($"{path}: is a directory; expected {expected}.");
        }
        try
        {
            using var file = File.OpenRead(path);
            if (!file.CanSeek)
            {
                throw new ModelException($"{path}: not a regular file (a pipe?); expected {expected} in a file.");
            }
            long length = file.Length;
            if (length > Math.Min(maxBytes, Array.MaxLength))
            {
                throw new ModelException($"{path}: {tooLarge(length)}");
            }
            if (length == 0)
            {
                throw new ModelException($"{path}: empty; expected {expected}.");
            }
            var bytes = new byte[length];
            file.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelException($"{path}: no such file; expected {expected}.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ModelException($"{path}: cannot read it: {e.Message}", e);
        }
    }
}
