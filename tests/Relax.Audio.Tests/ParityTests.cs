using Xunit.Abstractions;

namespace Relax.Audio.Tests;

/// <summary>
/// Parity with the independent Python reference (tools/reference/vggish_frontend_reference.py: the published
/// VGGish front end with resampy's kaiser_best), run once to produce the committed fixtures.
/// </summary>
public sealed class ParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Native16k => new()
    {
        "s16_16000_mono", "s16_16000_stereo", "u8_16000_mono", "s24_16000_mono", "s32_16000_mono",
        "f32_16000_mono", "f64_16000_mono", "alaw_16000_mono", "ulaw_16000_mono", "wavex_s16_16000_stereo",
    };

    public static TheoryData<string> Resampled => new()
    {
        "s16_44100_stereo", "s16_22050_mono", "u8_8000_mono", "s16_11127_mono", "u8_22257_mono",
        "f32_48000_mono", "s24_32000_mono",
    };

    [Theory]
    [MemberData(nameof(Native16k))]
    public void Log_mel_of_16_kHz_input_matches_the_reference_within_1e_3(string name)
    {
        var (maxDiff, meanDiff) = Compare(name);
        Assert.True(maxDiff <= 1e-3, $"{name}: max |Δ| = {maxDiff:E3}");
        Assert.True(meanDiff <= 1e-4, $"{name}: mean |Δ| = {meanDiff:E3}");
    }

    [Theory]
    [MemberData(nameof(Resampled))]
    public void Log_mel_of_resampled_input_matches_the_reference(string name)
    {
        var (maxDiff, meanDiff) = Compare(name);
        Assert.True(meanDiff <= 0.01, $"{name}: mean |Δ| = {meanDiff:E3}");
        Assert.True(maxDiff <= 0.1, $"{name}: max |Δ| = {maxDiff:E3}");
    }

    [Theory]
    [InlineData("s16_44100_stereo")] // 160/441: tabulated polyphase filter
    [InlineData("s16_11127_mono")] // 16000/11127: per-sample interpolation, as resampy
    public void Resampled_waveform_matches_resampy_kaiser_best(string name)
    {
        var audio = WavReader.Read(Fixtures.PathOf(name + ".wav"));
        var actual = KaiserSincResampler.KaiserBest.Resample(audio.ToMono(), audio.SampleRate, 16000);
        var (expected, shape) = Fixtures.ReadNpy(name + ".resampled16k.npy");
        Assert.Equal(shape[0], actual.Length);
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        }
        output.WriteLine($"{name}: {actual.Length} samples, max |Δ| = {max:E3}");
        Assert.True(max <= 2e-6, $"max |Δ| = {max:E3}");
    }

    private (double Max, double Mean) Compare(string name)
    {
        var result = new VGGishFrontEnd().FromFile(Fixtures.PathOf(name + ".wav"));
        var (expected, shape) = Fixtures.ReadNpy(name + ".logmel.npy");
        Assert.Equal(shape, new[] { result.Count, 96, 64 });
        double max = 0, sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(result.Values[i] - expected[i]);
            max = Math.Max(max, d);
            sum += d;
        }
        double mean = sum / expected.Length;
        output.WriteLine($"{name}: shape ({result.Count}, 96, 64), max |Δ| = {max:E3}, mean |Δ| = {mean:E3}");
        return (max, mean);
    }
}
