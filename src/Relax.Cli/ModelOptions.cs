using System.CommandLine;
using Relax.Models;
using static TorchSharp.torch;

namespace Relax.Cli;

/// <summary><c>--model</c>, <c>--weights</c> and <c>--model-card</c>, the options that choose the model of
/// <c>explain</c>, <c>evaluate</c>, <c>latent</c> and <c>worker</c>: a name from the command's <see cref="ModelCatalog"/>
/// or an exported model's file (<c>model.onnx</c>, <c>model.pt</c>: the catalog's file provider for its extension, with
/// its card), checked as a usage error, and the weights file the chosen provider reads; all absent, the catalog
/// chooses.</summary>
internal sealed class ModelOptions
{
    /// <summary>Creates the two options for <paramref name="catalog"/>.</summary>
    /// <param name="catalog">The models the command can load.</param>
    /// <param name="weightsDescription">What <c>--weights</c> says in this command's help.</param>
    public ModelOptions(ModelCatalog catalog, string weightsDescription)
    {
        var names = catalog.Names;
        var files = catalog.Providers.OfType<IModelFileProvider>().SelectMany(p => p.FileExtensions).ToList();
        _catalog = catalog;
        Model = new Option<string?>("--model")
        {
            Description = $"The model to explain: {string.Join("; ", catalog.Providers.Select(p => $"{p.Name}: {p.Description}"))}. Default: the first of {string.Join(", ", catalog.Providers.Where(p => p is not IModelFileProvider).Select(p => p.Name))} that is available."
                + (files.Count > 0 ? $" Or your own exported model's file ({string.Join(", ", files)}) with its card (--model-card)." : ""),
            HelpName = string.Join("|", names) + (files.Count > 0 ? "|FILE" : ""),
        };
        Model.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is null)
            {
                return;
            }
            if (ModelCatalog.IsFile(value))
            {
                try
                {
                    catalog.ForFile(value);
                }
                catch (ModelException e)
                {
                    result.AddError($"--model {e.Message}");
                }
            }
            else if (!names.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"--model {value}: unknown; use one of: {string.Join(", ", names)}{(files.Count > 0 ? $", or a model file ({string.Join(", ", files)})" : "")}.");
            }
        });
        Weights = CliOptions.Weights(weightsDescription);
        ModelCard = new Option<string?>("--model-card")
        {
            Description = $"The card of the exported model given to --model: a JSON file, or {string.Join(", ", Relax.Models.ModelCard.Presets)} for VGGish's log-mel input. Default: the JSON file beside the model (model.onnx → model.json). Fields: docs/models.md.",
            HelpName = "FILE.json|vggish",
        };
    }

    /// <summary><c>--model</c>.</summary>
    public Option<string?> Model { get; }

    /// <summary><c>--weights</c>.</summary>
    public Option<string?> Weights { get; }

    /// <summary><c>--model-card</c>.</summary>
    public Option<string?> ModelCard { get; }

    /// <summary>The three options, for a command to add.</summary>
    public IEnumerable<Option> All => [Model, Weights, ModelCard];

    private readonly ModelCatalog _catalog;

    /// <summary>What the command line asks for, with the device, dtype and batch size of the command's own options. A
    /// model file becomes its provider's name with the file as the weights.</summary>
    /// <exception cref="CliException">A model file with --weights, or --model-card without a model file.</exception>
    public ModelRequest Request(ParseResult parse, Device device, ScalarType dtype, int batchSize)
    {
        var (model, weights, card) = (parse.GetValue(Model), parse.GetValue(Weights), parse.GetValue(ModelCard));
        if (model is not null && ModelCatalog.IsFile(model))
        {
            if (weights is not null)
            {
                throw new CliException($"--weights {weights}: an exported model ({model}) holds its own weights; leave --weights out.");
            }
            (model, weights) = (_catalog.ForFile(model).Name, model);
        }
        else if (card is not null)
        {
            throw new CliException($"--model-card {card}: a card describes an exported model's file; give the file with --model FILE.onnx or FILE.pt.");
        }
        return new()
        {
            Model = model,
            Weights = weights,
            ModelCard = card,
            Device = device,
            DType = dtype,
            BatchSize = batchSize,
        };
    }
}
