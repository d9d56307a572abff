using Relax.Evaluation;
using Relax.Masks;
using Relax.Models.VGGish;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Synthetic.Tests;

/// <summary>Issue 7: bfloat16 must not change what RELAX says. Same clip, same masks (same seed), float32 against bfloat16.</summary>
public class DTypeAgreementTests(ITestOutputHelper output)
{
    [Fact]
    public void Bfloat16_saliency_maps_correlate_at_least_0_99_with_float32_ones()
    {
        using var fp32 = SyntheticAnimalModel.Load();
        using var bf16 = SyntheticAnimalModel.Load(new VGGishEmbedderOptions { DType = ScalarType.BFloat16 });
        var clips = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 720);   // one dog, one cat, one bird
        var options = new RelaxOptions { MaskCount = 512, BatchSize = 64, Seed = 5 };
        foreach (var clip in clips)
        {
            using var input = TensorArrays.FromArray2D(clip.LogMel);
            var a = new RelaxExplainer(fp32.Embedder, new TimeFrequencyMasks(), options).Explain(input).Saliency;
            var b = new RelaxExplainer(bf16.Embedder, new TimeFrequencyMasks(), options).Explain(input).Saliency;
            double r = RankCorrelation.Pearson(a, b);
            double maxDifference = a.Cast<float>().Zip(b.Cast<float>(), (u, v) => Math.Abs(u - v)).Max();
            output.WriteLine($"{clip.Label,-4} r(bf16, fp32) = {r:F6}, max |difference| {maxDifference:E2}");
            Assert.True(maxDifference > 0, "bfloat16 gave exactly the float32 map: is the dtype applied?");
            Assert.True(r >= 0.99, $"{clip.Label}: r(bf16, fp32) = {r:F4}");
        }
    }
}
