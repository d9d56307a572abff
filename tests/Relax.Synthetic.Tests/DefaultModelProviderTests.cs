using Relax.Models;
using Relax.Models.VGGish;

namespace Relax.Synthetic.Tests;

/// <summary>Sets <c>$RELAX_VGGISH_WEIGHTS</c>, which only <see cref="VGGishModelProvider"/> reads in this test assembly.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentTestGroup
{
    public const string Name = "process environment";
}

/// <summary>The <c>relax</c> command's choice of model: Google's VGGish when weights are named or installed, else the
/// shipped default model, through the catalog of the two providers.</summary>
[Collection(EnvironmentTestGroup.Name)]
public sealed class DefaultModelProviderTests
{
    private static readonly ModelCatalog BuiltIn = new([new VGGishModelProvider(), new DefaultModelProvider()]);

    [Fact]
    public void A_typo_in_the_weights_variable_is_an_error_not_a_fallback_to_the_default_model()
    {
        var variable = VGGishWeights.Network.EnvironmentVariable;
        var previous = Environment.GetEnvironmentVariable(variable);
        try
        {
            Environment.SetEnvironmentVariable(variable, "/nope.pth");
            var error = Assert.Throws<VGGishWeightsNotFoundException>(() => BuiltIn.Load(new ModelRequest()));
            Assert.Contains("/nope.pth", error.Message, StringComparison.Ordinal);
            Assert.Contains("$" + variable, error.Message, StringComparison.Ordinal);
            Assert.Throws<VGGishWeightsNotFoundException>(() => BuiltIn.Load(new ModelRequest { Weights = "/also/nope.pth" }));
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
            Skip.If(new VGGishModelProvider().FindWeights() is not null, "Official VGGish weights are installed on this machine.");
            using var model = BuiltIn.Load(new ModelRequest());
            Assert.Equal(SyntheticAnimalModel.Identity, model.Identity);
            Assert.NotNull(model.Head);
            Assert.Equal(SyntheticAnimalModel.ClassNames, model.ClassNames);
            Assert.NotNull(model.Layers);
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

    [Fact]
    public void The_default_model_asked_for_by_name_gives_no_advice_and_refuses_a_weights_file()
    {
        using var model = BuiltIn.Load(new ModelRequest { Model = "default" });
        Assert.Null(model.Notice);
        Assert.Equal(SyntheticAnimalModel.Identity, model.Identity);
        var error = Assert.Throws<ModelException>(() => BuiltIn.Load(new ModelRequest { Model = "default", Weights = "w.pth" }));
        Assert.StartsWith("w.pth: the default model reads no weights file", error.Message, StringComparison.Ordinal);
    }
}
