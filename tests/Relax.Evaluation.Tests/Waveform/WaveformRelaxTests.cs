using Relax.Masks;
using Relax.Models;
using Relax.Models.Onnx;
using Relax.Models.Tests;
using Relax.Models.TorchScript;
using Relax.Waveform;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Evaluation.Tests;

public class WaveformRelaxTests(ITestOutputHelper log)
{
    /// <summary>Three seconds at 16 kHz: a 1.5 kHz tone (amplitude 0.5) throughout, over white noise (0.05).</summary>
    private static float[] ToneOverNoise()
    {
        var random = new Random(3);
        var samples = new float[48_000];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 1500 * i / 16_000.0) + 0.05 * (2 * random.NextDouble() - 1));
        }
        return samples;
    }

    [Fact]
    public void The_inverse_stft_gives_back_the_recording_and_all_ones_gains_embed_it_unchanged()
    {
        var stft = new StftCells(16_000);
        var samples = ToneOverNoise();
        using var x = tensor(samples, [1, samples.Length]);
        using var spectrum = stft.Forward(x);
        Assert.Equal(new long[] { 1, 257, 301 }, spectrum.shape);
        using var back = stft.Inverse(spectrum, samples.Length);
        Assert.True((back - x).abs().max().item<float>() < 1e-5f); // against the recording itself

        using var model = new TorchScriptModelProvider().Load(new ModelRequest { Weights = ReferenceModels.File("wave-planted", ".pt") });
        using var cells = new StftCellEmbedder(model.Embedder, stft, samples);
        using var _ = no_grad();
        using var gains = ones(2, 1, cells.Frames, cells.Bins);
        gains[1].fill_(0);
        using var embedded = cells.Embed(gains);
        using var direct = model.Embedder.Embed(x.reshape(1, 1, 1, samples.Length));
        Assert.True((embedded[0] - direct[0]).abs().max().item<float>() < 1e-4f);
        Assert.Equal(1f, embedded[0, 1].item<float>(), 0.05f);  // the planted band's power, scaled to about 1
        Assert.Equal(0f, embedded[1, 1].item<float>(), 1e-6f);  // every cell silenced: no power
    }

    [Theory]
    [InlineData(".pt")]
    [InlineData(".onnx")]
    public void A_waveform_model_that_reads_one_band_of_one_second_gets_a_map_whose_top_cells_are_that_band_and_second(string format)
    {
        IModelProvider provider = format == ".pt" ? new TorchScriptModelProvider() : new OnnxModelProvider();
        using var model = provider.Load(new ModelRequest { Weights = ReferenceModels.File("wave-planted", format) });
        var relax = new WaveformRelax(model, new RandomGridMasks(16, 16, 0.5), new RelaxOptions { MaskCount = 1000, BatchSize = 50, Seed = 1 });
        var result = relax.Explain(ToneOverNoise());
        Assert.Equal((301, 257), (result.Height, result.Width));

        // The top 1 % of cells (774 of 77,357).
        var ranked = Enumerable.Range(0, result.Height * result.Width)
            .OrderByDescending(i => result.Saliency[i / result.Width, i % result.Width]).Take(result.Height * result.Width / 100).ToList();
        int inside = ranked.Count(i =>
        {
            double seconds = relax.Stft.FrameSeconds(i / result.Width), hz = relax.Stft.BinHz(i % result.Width);
            return seconds is >= 0.9 and <= 2.1 && hz is >= 900 and <= 2100;
        });
        log.WriteLine($"{format}: {inside} of {ranked.Count} top cells in 0.9–2.1 s × 0.9–2.1 kHz");
        Assert.True(inside >= 0.9 * ranked.Count, $"{inside} of {ranked.Count}");
    }
}
