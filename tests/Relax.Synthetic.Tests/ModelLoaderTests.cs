using Relax.Models.VGGish;

namespace Relax.Synthetic.Tests;

/// <summary>Sets <c>$RELAX_VGGISH_WEIGHTS</c>, which only <see cref="ModelLoader"/> reads in this test assembly.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentTestGroup
{
    public const string Name = "process environment";
}

[Collection(EnvironmentTestGroup.Name)]
public sealed class ModelLoaderTests
{
    [Fact]
    public void A_typo_in_the_weights_variable_is_an_error_not_a_fallback_to_the_default_model()
    {
        var variable = VGGishWeights.Network.EnvironmentVariable;
        var previous = Environment.GetEnvironmentVariable(variable);
        try
        {
            Environment.SetEnvironmentVariable(variable, "/nope.pth");
            var error = Assert.Throws<VGGishWeightsNotFoundException>(() => ModelLoader.Load());
            Assert.Contains("/nope.pth", error.Message, StringComparison.Ordinal);
            Assert.Contains("$" + variable, error.Message, StringComparison.Ordinal);
            Assert.Throws<VGGishWeightsNotFoundException>(() => ModelLoader.Load("/also/nope.pth"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, previous);
        }
    }

    [SkippableFact]
    public void Without_weights_named_or_installed_the_default_model_loads_and_says_so()
    {
        var variable = VGGishWeights.Network.EnvironmentVariable;
        var previous = Environment.GetEnvironmentVariable(variable);
        try
        {
            Environment.SetEnvironmentVariable(variable, null);
            Skip.If(ModelLoader.FindOfficialWeights() is not null, "Official VGGish weights are installed on this machine.");
            using var model = ModelLoader.Load();
            Assert.False(model.IsOfficialVGGish);
            Assert.NotNull(model.Head);
            Assert.Contains("not Google's VGGish", model.Identity, StringComparison.Ordinal);
            // The advice is for the console, not part of the identity that reports and fingerprints carry.
            Assert.DoesNotContain("--weights", model.Identity, StringComparison.Ordinal);
            Assert.Contains("pass --weights", model.Notice, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, previous);
        }
    }
}
