using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using static Relax.Cli.Tests.CliHarness;

namespace Relax.Cli.Tests;

/// <summary>
/// Hostile files against the real <c>relax</c> process: each run must end with its exit code and a one-line message
/// that names the file, within a time ceiling, and with a peak resident set (the kernel's VmHWM of the child, polled
/// while it runs) below 1 GiB. The files are made here, in a temporary folder, and deleted afterwards.
/// </summary>
public sealed class ResourceCeilingTests : IDisposable
{
    private const long MemoryCeiling = 1L << 30;
    private static readonly TimeSpan TimeCeiling = TimeSpan.FromSeconds(60);
    private readonly string _folder = TempFolder("ceiling");

    public ResourceCeilingTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private string File(string name) => Path.Combine(_folder, name);

    private static (int Code, string Error, long PeakBytes, TimeSpan Elapsed) RunChild(params string[] args) => RunChildWithWaitPolicy(null, args);

    private static (int Code, string Error, long PeakBytes, TimeSpan Elapsed) RunChildWithWaitPolicy(string? waitPolicy, params string[] args)
    {
        var relax = Path.Combine(AppContext.BaseDirectory, "relax.dll");
        var start = new ProcessStartInfo("dotnet", [relax, .. args]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OMP_WAIT_POLICY"] = waitPolicy;   // null removes it
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
            if (clock.Elapsed > TimeCeiling)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"relax {string.Join(' ', args)} ran past {TimeCeiling.TotalSeconds} s");
            }
        }
        return (process.ExitCode, stderr.GetAwaiter().GetResult() + stdout.GetAwaiter().GetResult(), peak, clock.Elapsed);
    }

    /// <summary>VmHWM of a process in bytes (0 once it is gone).</summary>
    private static long HighWaterMark(int pid)
    {
        try
        {
            var line = System.IO.File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static void AssertRefused(string message, params string[] args)
    {
        var (code, error, peak, elapsed) = RunChild(args);
        Assert.True(code == RelaxCli.Failure, $"exit code {code}: {error}");
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.True(peak < MemoryCeiling, $"peak resident set {peak / 1048576} MiB");
        Assert.True(elapsed < TimeCeiling);
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "relax-npz-*"));
    }

    [Fact]
    public void An_npz_bomb_passed_as_weights_is_refused_within_the_ceilings()
    {
        // 1.5 GiB of zeros behind a .npy header, deflated to about 1.5 MB.
        var bomb = File("bomb.npz");
        using (var zip = ZipFile.Open(bomb, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("w.npy", CompressionLevel.SmallestSize).Open())
        {
            var header = Encoding.Latin1.GetBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (402653184,), }".PadRight(117) + "\n");
            stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
            stream.Write(header);
            var chunk = new byte[1 << 20];
            for (int i = 0; i < 1536; i++)
            {
                stream.Write(chunk);
            }
        }
        AssertRefused("bomb.npz", "embed", Clip, "-w", bomb, "-o", File("e.npy"));
    }

    [Fact]
    public void A_torchsharp_file_declaring_two_billion_elements_is_refused_within_the_ceilings()
    {
        var path = File("huge.dat");
        var bytes = new List<byte> { 1, 1, (byte)'w', 6, 2 };
        for (int i = 0; i < 2; i++)
        {
            bytes.AddRange(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x08 });
        }
        System.IO.File.WriteAllBytes(path, bytes.ToArray());
        AssertRefused("huge.dat", "embed", Clip, "-w", path, "-o", File("e.npy"));
    }

    [Fact]
    public void Safetensors_with_a_negative_offset_are_refused_within_the_ceilings()
    {
        var path = File("negative.safetensors");
        var header = Encoding.UTF8.GetBytes("{\"features.0.weight\":{\"dtype\":\"F32\",\"shape\":[64,1,3,3],\"data_offsets\":[-64,2240]}}");
        var bytes = new byte[8 + header.Length + 2304];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        System.IO.File.WriteAllBytes(path, bytes);
        AssertRefused("data_offsets [-64, 2240]", "embed", Clip, "-w", path, "-o", File("e.npy"));
    }

    [Fact]
    public void An_endless_device_as_input_is_refused_within_the_ceilings()
        => AssertRefused("not a regular file", "explain", "/dev/zero", "-o", File("out"));

    [Fact]
    public void A_pickle_that_names_a_python_function_is_refused_and_nothing_runs()
    {
        // archive/data.pkl: protocol 0, GLOBAL os.system, MARK, a command, TUPLE, REDUCE, STOP.
        var marker = File("pwned");
        var path = File("evil.pth");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("archive/data.pkl").Open())
        {
            stream.Write(Encoding.ASCII.GetBytes($"cos\nsystem\n(S'touch {marker}'\ntR."));
        }
        var (code, error, peak, _) = RunChild("embed", Clip, "-w", path, "-o", File("e.npy"));
        Assert.True(code == RelaxCli.Failure, $"exit code {code}: {error}");
        Assert.Contains("evil.pth", error, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(marker));
        Assert.True(peak < MemoryCeiling);
    }

    [Fact]
    public void Native_threads_sleep_instead_of_spinning_unless_the_environment_says_otherwise()
    {
        // Issue 16, item 8: spinning OpenMP workers starved their neighbours on a shared machine (docs/performance.md,
        // "Contention", measures it). The policy must reach the C library's environment, which OpenMP reads.
        var (code, error, _, _) = RunChildWithWaitPolicy(null, "features", Clip, "-o", File("f.npy"), "--verbose");
        Assert.True(code == 0, error);
        Assert.Contains("OpenMP threads wait PASSIVE (set by this host", error, StringComparison.Ordinal);

        (code, error, _, _) = RunChildWithWaitPolicy("ACTIVE", "features", Clip, "-o", File("g.npy"), "--verbose");
        Assert.True(code == 0, error);
        Assert.Contains("OpenMP threads wait ACTIVE (from OMP_WAIT_POLICY in the environment)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_recording_is_framed_and_explained_in_bounded_memory()
    {
        // 256 MiB of 48 kHz stereo 16-bit PCM (sparse, so silence): 23 minutes. Read whole, features took 2.2 GB.
        var wav = File("long.wav");
        const long size = 256L << 20;
        using (var stream = new FileStream(wav, FileMode.CreateNew))
        {
            var header = new byte[44];
            "RIFF"u8.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(size - 8));
            "WAVEfmt "u8.CopyTo(header.AsSpan(8));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), 2);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), 48000);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), 48000 * 4);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), 4);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 16);
            "data"u8.CopyTo(header.AsSpan(36));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), (uint)(size - 44));
            stream.Write(header);
            stream.SetLength(size);
        }
        long frames = (size - 44) / 4;
        int examples = Relax.Audio.VGGishFrontEnd.ExampleCount(Relax.Audio.VGGishLogMel.FrameCount(frames * 16000 / 48000), 96);

        var (code, error, peak, _) = RunChild("features", wav, "-o", File("long.npy"));

        Assert.True(code == 0, $"exit code {code}: {error}");
        Assert.True(peak < MemoryCeiling, $"peak resident set {peak / 1048576} MiB");
        var (values, shape) = Relax.IO.NpyFile.Read(File("long.npy"));
        Assert.Equal([examples, 96, 64], shape);
        Assert.All(values, v => Assert.Equal(MathF.Log(0.01f), v, 1e-6f));   // log(0 + 0.01): silence throughout
        System.IO.File.Delete(File("long.npy"));

        // The runner counts the examples in one pass, then reads up to the one asked for a window at a time.
        (code, error, peak, _) = RunChild("explain", wav, "-o", File("explained"), "--example", "1000", "-n", "16", "--no-figures", "--audio");

        Assert.True(code == 0, $"exit code {code}: {error}");
        Assert.True(peak < MemoryCeiling, $"peak resident set {peak / 1048576} MiB");
        var row = System.IO.File.ReadAllLines(Path.Combine(File("explained"), "index.csv"))[1];
        Assert.Contains(",long,1000,960,", row, StringComparison.Ordinal);
        Assert.Equal(15600 * 2 + 44, new FileInfo(Path.Combine(File("explained"), "long", "example-1000", "time-frequency", "evidence.wav")).Length);
    }
}
