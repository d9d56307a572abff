namespace Relax.Models;

/// <summary>
/// Makes one kind of model ready to explain: Google's VGGish (<c>VGGishModelProvider</c>), the shipped default model
/// (<c>DefaultModelProvider</c>), or an application's own. A provider is all it takes to bring a model to
/// <c>relax explain</c>, <c>relax evaluate</c>, <c>relax latent</c>, <c>relax worker</c> and the library's runners: put
/// it in the <see cref="ModelCatalog"/> they are given.
/// </summary>
public interface IModelProvider
{
    /// <summary>The name <c>--model</c> and <see cref="ModelRequest.Model"/> use: lower case letters, digits and
    /// '-', unique in a catalog.</summary>
    string Name { get; }

    /// <summary>One line for help texts: what the model is.</summary>
    string Description { get; }

    /// <summary>Whether the catalog should choose this provider for a request that names no model (the catalog asks
    /// its providers in order and takes the first that says yes): Google's VGGish when weights are given or installed,
    /// the default model always.</summary>
    /// <param name="request">The request; its <see cref="ModelRequest.Model"/> is null.</param>
    /// <exception cref="ModelException">The request names something this provider reads and it is unusable (a weights
    /// file named by an environment variable that does not exist): an error to report, not a reason to choose
    /// another model.</exception>
    bool IsDefaultFor(ModelRequest request);

    /// <summary>Loads the model.</summary>
    /// <param name="request">Which weights, device, dtype and batch size.</param>
    /// <returns>The model; the caller disposes it.</returns>
    /// <exception cref="ModelException">The model cannot be loaded as asked; one line says why.</exception>
    AudioModel Load(ModelRequest request);
}
