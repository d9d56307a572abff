using Microsoft.Win32.SafeHandles;

namespace Relax.Audio;

/// <summary>
/// Bytes read by offset, a few at a time: an open file (read in place, never loaded whole, so a 2 GiB recording costs
/// no more memory than a short one) or an array. The WAVE parser and the decoders read through it.
/// </summary>
internal abstract class ByteSource : IDisposable
{
    /// <summary>The number of bytes, as seen when the source was opened.</summary>
    public abstract long Length { get; }

    /// <summary>Reads up to <c>destination.Length</c> bytes from <paramref name="offset"/>; fewer only at the end (or
    /// when a file shrank after it was opened).</summary>
    public abstract int Read(long offset, Span<byte> destination);

    /// <summary>Reads exactly <paramref name="count"/> bytes (the caller checked that they lie inside
    /// <see cref="Length"/>); a file that shrank since it was opened gives a clear error.</summary>
    public byte[] ReadExactly(long offset, int count, string name)
    {
        var bytes = new byte[count];
        int read = ReadFully(offset, bytes);
        return read == count ? bytes : throw new InvalidDataException($"{name}: the file became shorter while it was read (at offset {offset}).");
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the source ends; returns the bytes read.</summary>
    public int ReadFully(long offset, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = Read(offset + total, destination[total..]);
            if (read <= 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>The bytes of an array.</summary>
    public static ByteSource Of(byte[] bytes) => new ArraySource(bytes);

    /// <summary>Opens a regular file of at most <paramref name="maxBytes"/>, checked before it is opened: a directory,
    /// FIFO, socket or device (stat reports no size for them; /dev/zero never ends and a FIFO blocks the open) is
    /// refused with one line. The checks are written here rather than shared with Relax.Core's <c>InputFile</c>
    /// because the front end does not depend on the engine.</summary>
    public static ByteSource OpenFile(string path, long maxBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: is a directory; expected a WAV file.");
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
        if (info.Length == 0)
        {
            throw new InvalidDataException($"{path}: empty, or not a regular file (a device, FIFO or socket); expected a WAV file.");
        }
        if (info.Length > maxBytes)
        {
            throw new InvalidDataException($"{path}: {info.Length:N0} bytes, more than the {maxBytes:N0} accepted for a WAV file.");
        }
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return new FileSource(handle, info.Length);
    }

    private sealed class ArraySource(byte[] bytes) : ByteSource
    {
        public override long Length => bytes.Length;

        public override int Read(long offset, Span<byte> destination)
        {
            if (offset >= bytes.Length)
            {
                return 0;
            }
            int count = (int)Math.Min(destination.Length, bytes.Length - offset);
            bytes.AsSpan((int)offset, count).CopyTo(destination);
            return count;
        }
    }

    private sealed class FileSource(SafeFileHandle handle, long length) : ByteSource
    {
        public override long Length => length;

        public override int Read(long offset, Span<byte> destination)
        {
            if (offset >= length)
            {
                return 0;
            }
            // Never past the size that was checked: a file that grows while it is read adds nothing.
            int count = (int)Math.Min(destination.Length, length - offset);
            return RandomAccess.Read(handle, destination[..count], offset);
        }

        public override void Dispose()
        {
            handle.Dispose();
            base.Dispose();
        }
    }
}

/// <summary>A read-only, forward-only window of a <see cref="ByteSource"/> as a <see cref="Stream"/>, for decoders
/// that read streams (NLayer). Not seekable, so such a decoder keeps no index of what it has passed.</summary>
internal sealed class ByteSourceStream(ByteSource source, long offset, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int count = (int)Math.Min(buffer.Length, length - _position);
        if (count <= 0)
        {
            return 0;
        }
        int read = source.Read(offset + _position, buffer[..count]);
        _position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
