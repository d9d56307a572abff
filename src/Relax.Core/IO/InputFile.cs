namespace Relax.IO;

/// <summary>
/// Opens a file that came from a user (or a stranger) for reading, after checking what it is without opening it: it
/// must exist, be a regular file (not a directory, a FIFO, a socket or a device such as <c>/dev/zero</c>: those
/// report no size, and a FIFO would block an open until a writer appears), be non-empty, and fit a size ceiling. A
/// reader then never reads past the size it was shown, so an endless or growing source cannot exhaust memory.
/// </summary>
public static class InputFile
{
    /// <summary>Checks <paramref name="path"/> and opens it for reading.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="what">What the file should be, for messages (for example "a WAV file").</param>
    /// <returns>The open stream and the file's length when checked.</returns>
    /// <exception cref="InvalidDataException">Missing, a directory, not a regular file, empty, or larger than
    /// <paramref name="maxBytes"/>; the message names the file and says what is accepted.</exception>
    public static (FileStream Stream, long Length) Open(string path, long maxBytes, string what)
    {
        long length = Check(path, maxBytes, what);
        return (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16), length);
    }

    /// <summary>Checks <paramref name="path"/> as <see cref="Open"/> does, without opening it.</summary>
    /// <returns>The file's length in bytes.</returns>
    /// <exception cref="InvalidDataException">See <see cref="Open"/>.</exception>
    public static long Check(string path, long maxBytes, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: is a directory; expected {what}.");
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }
        if (info.LinkTarget is not null)
        {
            // A symbolic link's own size is that of the path it holds; judge what it points to.
            info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            if (!info.Exists)
            {
                throw new FileNotFoundException($"{path}: a link to a missing file.", path);
            }
        }
        // A FIFO, socket or device has no size (and /dev/zero never ends); stat reports 0 bytes for all of them.
        long length = info.Length;
        if (length == 0)
        {
            throw new InvalidDataException($"{path}: empty, or not a regular file (a device, FIFO or socket); expected {what}.");
        }
        if (length > maxBytes)
        {
            throw new InvalidDataException($"{path}: {length:N0} bytes, more than the {maxBytes:N0} accepted for {what}.");
        }
        return length;
    }
}
