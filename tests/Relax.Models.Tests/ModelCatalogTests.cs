using Relax.Classification;
using Relax.Core.Tests;

namespace Relax.Models.Tests;

/// <summary>The catalog: providers found by name, the automatic choice in order, names checked when it is built.</summary>
public sealed class ModelCatalogTests
{
    /// <summary>A provider that records what it was asked and loads a tiny model.</summary>
    private sealed class FakeProvider(string name, bool isDefault) : IModelProvider
    {
        public string Name => name;

        public string Description => $"fake {name}";

        public List<ModelRequest> Loaded { get; } = [];

        public bool IsDefaultFor(ModelRequest request) => isDefault;

        public AudioModel Load(ModelRequest request)
        {
            Loaded.Add(request);
            return new AudioModel(new RectangleEmbedder(0, 0, 2, 2), $"fake model {name}", 4);
        }
    }

    [Fact]
    public void A_named_model_is_found_whatever_the_order_and_case()
    {
        var first = new FakeProvider("first", isDefault: true);
        var second = new FakeProvider("second", isDefault: false);
        var catalog = new ModelCatalog([first, second]);
        using var model = catalog.Load(new ModelRequest { Model = " Second " });
        Assert.Equal("fake model second", model.Identity);
        Assert.Empty(first.Loaded);
        Assert.Equal(" Second ".Trim(), Assert.Single(second.Loaded).Model);
        Assert.Equal(["first", "second"], catalog.Names);
    }

    [Fact]
    public void Without_a_name_the_first_provider_that_takes_the_request_is_chosen()
    {
        var declines = new FakeProvider("declines", isDefault: false);
        var takes = new FakeProvider("takes", isDefault: true);
        var alsoTakes = new FakeProvider("also-takes", isDefault: true);
        Assert.Same(takes, new ModelCatalog([declines, takes, alsoTakes]).Choose(new ModelRequest()));
        // An application's provider added after the built-ins is chosen by name only.
        var added = new ModelCatalog([takes]).With(new FakeProvider("mine", isDefault: true));
        Assert.Same(takes, added.Choose(new ModelRequest()));
        Assert.Equal("mine", added.Choose(new ModelRequest { Model = "mine" }).Name);
    }

    [Fact]
    public void Unknown_names_and_a_catalog_where_nothing_is_chosen_are_one_line_errors()
    {
        var catalog = new ModelCatalog([new FakeProvider("vggish", false), new FakeProvider("default", false)]);
        var unknown = Assert.Throws<ModelException>(() => catalog.Load(new ModelRequest { Model = "vgish" }));
        Assert.Equal("No model is named 'vgish'; use one of: vggish, default.", unknown.Message);
        var none = Assert.Throws<ModelException>(() => catalog.Choose(new ModelRequest()));
        Assert.DoesNotContain('\n', none.Message);
        Assert.Contains("vggish, default", none.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("My-Model")]
    [InlineData("my model")]
    [InlineData("my_model")]
    public void A_provider_name_that_is_not_lower_case_letters_digits_and_dashes_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new ModelCatalog([new FakeProvider(name, true)]));

    [Fact]
    public void Two_providers_with_one_name_and_an_empty_catalog_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ModelCatalog([new FakeProvider("a", true), new FakeProvider("a", false)]));
        Assert.Throws<ArgumentException>(() => new ModelCatalog([new FakeProvider("a", true)]).With(new FakeProvider("a", true)));
        Assert.Throws<ArgumentException>(() => new ModelCatalog([]));
    }

    [Fact]
    public void A_request_is_checked_when_it_is_made()
    {
        Assert.Throws<ArgumentException>(() => new ModelRequest { Model = "  " });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelRequest { BatchSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelRequest { DType = TorchSharp.torch.ScalarType.Int32 });
        // An empty weights path (a shell variable that is unset) is no path: the catalog chooses as without one.
        Assert.Null(new ModelRequest { Weights = " " }.Weights);
        Assert.Equal("w.pth", new ModelRequest { Weights = "w.pth" }.Weights);
    }

    [Fact]
    public void A_model_description_holds_together()
    {
        var embedder = new RectangleEmbedder(0, 0, 2, 2);
        var head = new LinearSoftmaxClassifier(new double[2, 4], new double[2]);
        Assert.Throws<ArgumentException>(() => new AudioModel(embedder, "m", 4, head));                       // a head without names
        Assert.Throws<ArgumentException>(() => new AudioModel(embedder, "m", 4, head, ["one"]));              // one name for two classes
        Assert.Throws<ArgumentException>(() => new AudioModel(embedder, "m", 4, null, ["one"]));              // names without a head
        Assert.Throws<ArgumentException>(() => new AudioModel(embedder, "two\nlines", 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioModel(embedder, "m", 0));
        var model = new AudioModel(embedder, "m", 4, head, ["yes", "no"]);
        Assert.Equal(["yes", "no"], model.ClassNames);
    }

    [Fact]
    public void Disposing_a_model_frees_its_owner()
    {
        var owner = new Owner();
        new AudioModel(new RectangleEmbedder(0, 0, 2, 2), "m", 4, owner: owner).Dispose();
        Assert.True(owner.Disposed);
    }

    [Fact]
    public void Examples_as_arrays_embed_as_one_batch_in_their_order()
    {
        var embedder = new RectangleEmbedder(1, 1, 2, 3);
        var examples = Enumerable.Range(0, 3).Select(k => TestInputs.Noise(4, 5, k)).ToList();
        var embeddings = embedder.EmbedExamples(examples);
        for (int k = 0; k < examples.Count; k++)
        {
            using var one = embedder.Embed(TensorArrays.FromArray2D(examples[k]).reshape(1, 1, 4, 5));
            var expected = TensorArrays.ToArray2D(one);
            Assert.Equal(expected.GetLength(1), embeddings.GetLength(1));
            for (int c = 0; c < expected.GetLength(1); c++)
            {
                Assert.Equal(expected[0, c], embeddings[k, c]);
            }
        }
        Assert.Throws<ArgumentException>(() => embedder.EmbedExamples([new float[4, 5], new float[5, 4]]));
    }

    private sealed class Owner : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
