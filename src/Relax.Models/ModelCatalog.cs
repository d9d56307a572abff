namespace Relax.Models;

/// <summary>
/// The models an application can explain: an ordered list of <see cref="IModelProvider"/>s, one per kind of model,
/// found by name (<c>--model NAME</c>) or, when no name is given, chosen by asking each in order
/// (<see cref="IModelProvider.IsDefaultFor"/>). The <c>relax</c> command's catalog is Google's VGGish, then the
/// shipped default model; an application adds its own with <see cref="With"/>. Immutable: <see cref="With"/> returns a
/// new catalog.
/// </summary>
/// <example>
/// <code>
/// var models = new ModelCatalog([new VGGishModelProvider(), new DefaultModelProvider()]).With(new MyModelProvider());
/// using AudioModel model = models.Load(new ModelRequest { Model = "my-model" });
/// </code>
/// </example>
public sealed class ModelCatalog
{
    private readonly IModelProvider[] _providers;

    /// <summary>Creates a catalog of <paramref name="providers"/>, in the order the automatic choice asks them.</summary>
    /// <exception cref="ArgumentException">No providers, a null one, a name that is not lower-case letters, digits and
    /// '-', or two with one name.</exception>
    public ModelCatalog(IEnumerable<IModelProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = [.. providers];
        if (_providers.Length == 0)
        {
            throw new ArgumentException("A catalog needs at least one model provider.", nameof(providers));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var provider in _providers)
        {
            ArgumentNullException.ThrowIfNull(provider, nameof(providers));
            var name = provider.Name;
            if (string.IsNullOrEmpty(name) || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                throw new ArgumentException($"A model provider's name is lower-case letters, digits and '-' ({provider.GetType().Name} has '{name}').", nameof(providers));
            }
            if (!names.Add(name))
            {
                throw new ArgumentException($"Two model providers are named '{name}'.", nameof(providers));
            }
        }
    }

    /// <summary>The providers, in order.</summary>
    public IReadOnlyList<IModelProvider> Providers => _providers;

    /// <summary>The providers' names, in order (what <c>--model</c> accepts).</summary>
    public IReadOnlyList<string> Names => [.. _providers.Select(p => p.Name)];

    /// <summary>A catalog with <paramref name="provider"/> after these (chosen by name; for a request that names no
    /// model only when none before it says yes).</summary>
    /// <exception cref="ArgumentException">Its name is taken or not a valid name.</exception>
    public ModelCatalog With(IModelProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new ModelCatalog([.. _providers, provider]);
    }

    /// <summary>The provider named <paramref name="name"/> (ordinal, case-insensitive).</summary>
    /// <exception cref="ModelException">No provider has that name; the message lists the names.</exception>
    public IModelProvider Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _providers.FirstOrDefault(p => p.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ModelException($"No model is named '{name}'; use one of: {string.Join(", ", Names)}.");
    }

    /// <summary>The file provider (<see cref="IModelFileProvider"/>) that loads files like <paramref name="path"/>, by
    /// its extension (case-insensitive).</summary>
    /// <exception cref="ModelException">No provider here loads such files; the message lists the extensions that are
    /// loaded.</exception>
    public IModelFileProvider ForFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var files = _providers.OfType<IModelFileProvider>().ToList();
        return files.FirstOrDefault(p => p.FileExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            ?? throw new ModelException(files.Count == 0
                ? $"{path}: no model file format is available here; use one of: {string.Join(", ", Names)}."
                : $"{path}: not a model file this catalog loads; use {string.Join(", ", files.SelectMany(p => p.FileExtensions.Select(e => $"{e} ({p.Name})")))}, or one of: {string.Join(", ", Names)}.");
    }

    /// <summary>Whether <paramref name="model"/> names a file rather than a provider: it has a directory separator or
    /// an extension (provider names have neither).</summary>
    public static bool IsFile(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Contains('/') || model.Contains(Path.DirectorySeparatorChar) || Path.HasExtension(model);
    }

    /// <summary>The provider for <paramref name="request"/>: the one it names, else the first that
    /// <see cref="IModelProvider.IsDefaultFor"/> the request.</summary>
    /// <exception cref="ModelException">An unknown name, or no provider takes a request that names none.</exception>
    public IModelProvider Choose(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Model is { } name)
        {
            return Find(name);
        }
        return _providers.FirstOrDefault(p => p.IsDefaultFor(request))
            ?? throw new ModelException($"No model was named and none of {string.Join(", ", Names)} is available without a name; choose one by name.");
    }

    /// <summary>Loads the model <see cref="Choose"/> picks.</summary>
    /// <returns>The model; the caller disposes it.</returns>
    /// <exception cref="ModelException">The model cannot be chosen or loaded.</exception>
    public AudioModel Load(ModelRequest request) => Choose(request).Load(request);
}
