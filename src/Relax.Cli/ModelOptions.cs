using System.CommandLine;
using Relax.Models;
using static TorchSharp.torch;

namespace Relax.Cli;

/// <summary><c>--model</c> and <c>--weights</c>, the options that choose the model of <c>explain</c>, <c>evaluate</c>,
/// <c>latent</c> and <c>worker</c>: a name from the command's <see cref="ModelCatalog"/> (checked as a usage error) and
/// the weights file the chosen provider reads; both absent, the catalog chooses.</summary>
internal sealed class ModelOptions
{
    /// <summary>Creates the two options for <paramref name="catalog"/>.</summary>
    /// <param name="catalog">The models the command can load.</param>
    /// <param name="weightsDescription">What <c>--weights</c> says in this command's help.</param>
    public ModelOptions(ModelCatalog catalog, string weightsDescription)
    {
        var names = catalog.Names;
        Model = new Option<string?>("--model")
        {
            Description = $"The model to explain: {string.Join("; ", catalog.Providers.Select(p => $"{p.Name}: {p.Description}"))}. Default: the first of {string.Join(", ", names)} that is available.",
            HelpName = string.Join("|", names),
        };
        Model.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !names.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"--model {value}: unknown; use one of: {string.Join(", ", names)}.");
            }
        });
        Weights = CliOptions.Weights(weightsDescription);
    }

    /// <summary><c>--model</c>.</summary>
    public Option<string?> Model { get; }

    /// <summary><c>--weights</c>.</summary>
    public Option<string?> Weights { get; }

    /// <summary>What the command line asks for, with the device, dtype and batch size of the command's own options.</summary>
    public ModelRequest Request(ParseResult parse, Device device, ScalarType dtype, int batchSize) => new()
    {
        Model = parse.GetValue(Model),
        Weights = parse.GetValue(Weights),
        Device = device,
        DType = dtype,
        BatchSize = batchSize,
    };
}
