using System.Collections;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Relax.Models.TorchScript;

/// <summary>
/// A TorchScript module (saved by <c>torch.jit.save</c> from a traced or scripted PyTorch model) as an
/// <see cref="IEmbedder"/>, on the application's TorchSharp backend and device. The card's output is chosen among what
/// the module returns: a tensor, or a tuple or list (by index: TorchScript outputs have no names, so the card's
/// output.name is not used; TorchSharp cannot read dict outputs). Differentiable: autograd
/// runs through the scripted module, so the gradient explainers apply.
/// </summary>
public sealed class TorchScriptEmbedder : ExportedModelEmbedder
{
    private readonly jit.ScriptModule _module;

    private TorchScriptEmbedder(ExportedModelFile file, jit.ScriptModule module, ModelRequest request)
        : base(file, request.Device, request.DType, request.BatchSize) => _module = module;

    /// <summary>Loads the module of <paramref name="file"/> onto the request's device and dtype and checks the card
    /// against it with one silent example.</summary>
    /// <exception cref="ModelException">Not a TorchScript file TorchSharp can load,
    /// or the card does not fit the model; one line.</exception>
    public static TorchScriptEmbedder Load(ExportedModelFile file, ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(request);
        jit.ScriptModule module;
        try
        {
            module = jit.load(file.Bytes, request.Device);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ModelException($"{file.Path}: not a TorchScript model TorchSharp can load (save one with torch.jit.save of a traced or scripted module): {FirstLine(e.Message)}", e);
        }
        try
        {
            module.eval();
            if (request.DType != ScalarType.Float32)
            {
                module.to(request.DType);
            }
            var embedder = new TorchScriptEmbedder(file, module, request);
            embedder.CheckCard();
            return embedder;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>The module's layers rebuilt for LRP when it is a VGG-pattern network (<see cref="TorchScriptVggLayers"/>),
    /// with what owns them; null otherwise.</summary>
    internal (VggLayers Layers, IDisposable Owner)? VggLayers(ScalarType dtype) => TorchScriptVggLayers.TryRebuild(_module, this, dtype);

    /// <inheritdoc/>
    protected override Tensor Run(Tensor arranged)
    {
        object? result;
        try
        {
            result = _module.call(arranged);
        }
        catch (NotImplementedException e)
        {
            throw new ModelException($"{Source}: the module returns a value TorchSharp cannot read (a dict, say); return a tensor, or a tuple or list of tensors: {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ModelException($"{Source}: the module failed on a batch of shape ({string.Join(", ", arranged.shape)}), the card's input.layout {Input.LayoutName}: {FirstLine(e.Message)}", e);
        }
        return Select(result);
    }

    private Tensor Select(object? result)
    {
        if (result is Tensor single)
        {
            return Output.Index == 0
                ? single
                : throw new ModelException($"{Source}: the module returns one tensor; the card's output.index is {Output.Index} (use 0).");
        }
        var items = result switch
        {
            ITuple tuple => Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToList(),
            IEnumerable list => list.Cast<object?>().ToList(),
            _ => throw new ModelException($"{Source}: the module returns {(result is null ? "None" : $"a {result.GetType().Name}")}; an embedding model returns a tensor, or a tuple or list of tensors."),
        };
        return Output.Index < items.Count && items[Output.Index] is Tensor chosen
            ? chosen
            : throw new ModelException($"{Source}: the module returns {items.Count} outputs; the card's output.index is {Output.Index}.");
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _module.Dispose();
        }
    }
}
