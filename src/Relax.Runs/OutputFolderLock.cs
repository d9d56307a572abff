using System.Globalization;

namespace Relax.Runs;

/// <summary>
/// One run at a time per output folder: the runner holds an exclusive lock on <c>.relax.lock</c> in the folder while it
/// writes, and says in <c>.relax.lock.holder</c> who it is. A second run on the same folder (another terminal, a
/// script started twice) is refused with one line naming the holder instead of redoing and overwriting the same
/// work. The lock is the operating system's (an advisory <c>flock</c> on Unix, a share mode on Windows), so it goes
/// away with its process, also when that process is killed; a stale holder file means nothing.
/// </summary>
internal sealed class OutputFolderLock : IDisposable
{
    private const string LockFile = ".relax.lock";
    private const string HolderFile = ".relax.lock.holder";

    private readonly FileStream _lock;
    private readonly string _holder;

    private OutputFolderLock(FileStream @lock, string holder)
    {
        _lock = @lock;
        _holder = holder;
    }

    /// <summary>Whether a path is one of the lock's own files (which do not make a folder non-empty).</summary>
    public static bool IsLockFile(string path) => Path.GetFileName(path) is LockFile or HolderFile;

    /// <summary>Takes the folder's lock (creating the folder).</summary>
    /// <exception cref="OutputFolderBusyException">Another run holds it.</exception>
    public static OutputFolderLock Take(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, LockFile);
        var holder = Path.Combine(folder, HolderFile);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            string who;
            try
            {
                who = File.ReadAllText(holder).Trim();
            }
            catch (IOException)
            {
                who = "another process";
            }
            throw new OutputFolderBusyException($"{folder} is being written by another run ({who}); wait for it to finish, or give another folder.", e);
        }
        File.WriteAllText(holder, string.Create(CultureInfo.InvariantCulture,
            $"process {Environment.ProcessId} on {Environment.MachineName}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC"));
        return new OutputFolderLock(stream, holder);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_holder);
        }
        catch (IOException)
        {
            // Best effort: the lock itself goes with the stream.
        }
        _lock.Dispose();
    }
}

/// <summary>Another run is writing to the output folder (see <c>OutputFolderLock</c>).</summary>
public sealed class OutputFolderBusyException : IOException
{
    /// <summary>Creates the exception.</summary>
    public OutputFolderBusyException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutputFolderBusyException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OutputFolderBusyException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
