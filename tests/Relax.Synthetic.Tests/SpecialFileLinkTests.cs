using System.Diagnostics;
using Relax.IO;
using Relax.Models.VGGish;
using Relax.Models.Weights;
using Relax.Runs;

namespace Relax.Synthetic.Tests;

/// <summary>A symbolic link with an innocent name that points at a device that never ends (/dev/zero) or a FIFO that
/// blocks its reader: every reader that goes through <c>InputFile</c> — <c>.npy</c> arrays, weights files, the corpus's
/// content hash — judges what the link points to, and refuses it at once as not a regular file. Each call runs with a
/// deadline, so a reader that followed the link into the device fails the test instead of hanging the suite.</summary>
public sealed class SpecialFileLinkTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "relax-links-" + Guid.NewGuid().ToString("N"));

    public SpecialFileLinkTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private static readonly (string Name, Action<string> Read)[] Readers =
    [
        (".npy array", path => NpyFile.Read(path)),
        ("weights file", path => StateDictFile.Load(path)),
        ("VGGish network", path => VGGishWeights.LoadNetwork(path).Dispose()),
        ("corpus content hash", path => CorpusSeeds.HashFile(path, 1L << 30)),
    ];

    private static void AssertRefusedAtOnce(string link)
    {
        foreach (var (name, read) in Readers)
        {
            var attempt = Task.Run(() => read(link));
            Assert.True(((IAsyncResult)attempt).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(20)), $"{name}: still reading {link} after 20 s");
            Assert.True(attempt.IsFaulted, $"{name}: {link} was accepted");
            var error = attempt.Exception!.InnerException!;
            Assert.Contains(link, error.Message, StringComparison.Ordinal);
            Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_link_to_a_device_is_refused_by_every_reader()
    {
        foreach (var name in new[] { "examples.npy", "vggish-10086976.pth", "clip.wav" })
        {
            var link = Path.Combine(_folder, name);
            File.CreateSymbolicLink(link, "/dev/zero");
            AssertRefusedAtOnce(link);
        }
    }

    [SkippableFact]
    public void A_link_to_a_fifo_is_refused_by_every_reader_without_blocking()
    {
        var fifo = Path.Combine(_folder, "pipe");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            mkfifo.WaitForExit();
            Skip.If(mkfifo.ExitCode != 0, "mkfifo is not available here.");
        }
        var link = Path.Combine(_folder, "weights.npy");
        File.CreateSymbolicLink(link, fifo);
        AssertRefusedAtOnce(link);
    }
}
