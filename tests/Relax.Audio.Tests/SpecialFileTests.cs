using System.Diagnostics;

namespace Relax.Audio.Tests;

/// <summary>Paths that are not WAV files at all: a device that never ends, a FIFO without a writer (which would block an
/// open forever), a directory, an empty file, and a symbolic link to a device. Each is refused at once with one line that
/// names it, without reading.</summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "relax-special-" + Guid.NewGuid().ToString("N"));

    public SpecialFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private static void AssertRefused(string path, string message)
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => new VGGishFrontEnd().FromFile(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        // Refused without reading takes milliseconds; reading /dev/zero or waiting on a FIFO never ends. 20 s tells the
        // two apart even on a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_device_is_refused_directly_and_through_a_wav_symlink()
    {
        AssertRefused("/dev/zero", "not a regular file");
        var link = Path.Combine(_folder, "zero.wav");
        File.CreateSymbolicLink(link, "/dev/zero");
        AssertRefused(link, "not a regular file");
    }

    [SkippableFact]
    public void A_fifo_without_a_writer_is_refused_without_blocking()
    {
        var fifo = Path.Combine(_folder, "pipe.wav");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            mkfifo.WaitForExit();
            Skip.If(mkfifo.ExitCode != 0, "mkfifo is not available here.");
        }
        AssertRefused(fifo, "not a regular file");
    }

    [Fact]
    public void Directories_and_empty_files_are_refused()
    {
        AssertRefused(_folder, "is a directory");
        var empty = Path.Combine(_folder, "empty.wav");
        File.WriteAllBytes(empty, []);
        AssertRefused(empty, "empty");
    }
}
