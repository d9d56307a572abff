namespace Relax.Audio.Tests;

public sealed class FrontEndOptionsTests
{
    private static float[] Noise(int length, int seed = 1)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() - 0.5);
        }
        return x;
    }

    [Fact]
    public void Options_are_validated_when_set()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VGGishFrontEndOptions { ExampleHopFrames = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VGGishFrontEndOptions { ExampleHopFrames = 97 });
        Assert.Throws<ArgumentNullException>(() => new VGGishFrontEndOptions { Resampler = null! });
        var defaults = new VGGishFrontEndOptions();
        Assert.Equal(96, defaults.ExampleHopFrames);
        Assert.False(defaults.PadFinalExample);
        Assert.False(defaults.RequireExamples);
        Assert.Same(KaiserSincResampler.KaiserBest, defaults.Resampler);
    }

    [Fact]
    public void A_clip_shorter_than_one_example_gives_an_empty_result_with_a_message()
    {
        var result = new VGGishFrontEnd().FromWaveform(Noise(VGGishFrontEnd.SamplesPerExample - 1), 16000, "short.wav");
        Assert.True(result.IsEmpty);
        Assert.Empty(result.Values);
        Assert.Equal((0, 96, 64), result.Shape);
        Assert.Contains("short.wav", result.Message, StringComparison.Ordinal);
        Assert.Contains("shorter than one VGGish example", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requiring_examples_turns_a_short_clip_into_an_exception()
    {
        var frontEnd = new VGGishFrontEnd(new VGGishFrontEndOptions { RequireExamples = true });
        var ex = Assert.Throws<AudioTooShortException>(() => frontEnd.FromWaveform(Noise(8000), 16000, "half-second.wav"));
        Assert.Contains("half-second.wav: 0.5 s", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, frontEnd.FromWaveform(Noise(VGGishFrontEnd.SamplesPerExample), 16000).Count);
    }

    [Fact]
    public void Padding_completes_a_short_clip_and_a_final_partial_example_with_silence()
    {
        var pad = new VGGishFrontEnd(new VGGishFrontEndOptions { PadFinalExample = true });
        var shortClip = Noise(8000);
        var padded = pad.FromWaveform(shortClip, 16000);
        Assert.Equal(1, padded.Count);
        Assert.Equal(VGGishFrontEnd.SamplesPerExample - 8000, padded.PaddedSamples);
        var manual = new float[VGGishFrontEnd.SamplesPerExample];
        shortClip.CopyTo(manual, 0);
        Assert.Equal(new VGGishFrontEnd().FromWaveform(manual, 16000).Values, padded.Values);

        // 1.5 s: one whole example, and the leftover frames become a second, padded one; the first is unchanged.
        var clip = Noise(24000);
        var plain = new VGGishFrontEnd().FromWaveform(clip, 16000);
        var withPad = pad.FromWaveform(clip, 16000);
        Assert.Equal(1, plain.Count);
        Assert.Equal(2, withPad.Count);
        Assert.Equal(plain.Example(0).ToArray(), withPad.Example(0).ToArray());
        Assert.Equal(0, pad.FromWaveform(clip.AsSpan(0, 15600), 16000).PaddedSamples);
        Assert.Empty(pad.FromWaveform([], 16000).Values);
    }

    [Fact]
    public void Overlapping_examples_are_shifted_windows_of_the_same_frames()
    {
        var clip = Noise(16000 * 3);
        var reference = new VGGishFrontEnd().FromWaveform(clip, 16000);
        var overlapping = new VGGishFrontEnd(new VGGishFrontEndOptions { ExampleHopFrames = 48 }).FromWaveform(clip, 16000);
        int frames = VGGishLogMel.FrameCount(clip.Length);
        Assert.Equal(3, reference.Count);
        Assert.Equal(1 + (frames - 96) / 48, overlapping.Count);
        Assert.Equal(reference.Example(1).ToArray(), overlapping.Example(2).ToArray());
        Assert.Equal(reference[1, 0, 5], overlapping[1, 48, 5]);
        var full = VGGishLogMel.Compute(clip);
        Assert.Equal(full[48 + 7, 9], overlapping[1, 7, 9]);
        Assert.Equal(overlapping.Values[LogMelExamples.ValuesPerExample + 7 * 64 + 9], overlapping.ToArray()[1, 7, 9]);
    }
}
