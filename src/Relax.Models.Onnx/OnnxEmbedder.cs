using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Relax.Models.Onnx;

/// <summary>
/// An ONNX graph run by ONNX Runtime as an <see cref="IEmbedder"/>: each batch goes to the session as a float32 tensor
/// (one copy of the input, small beside the forward pass), and the card's output (by name, else index) comes back
/// as a TorchSharp tensor on <see cref="ExportedModelEmbedder.Device"/>. Not differentiable: ONNX Runtime runs outside
/// autograd, so the gradient explainers are refused for it (<see cref="AudioModel.IsDifferentiable"/>).
/// </summary>
/// <remarks>The session is set for throughput on a shared machine: all graph optimisations, one intra-op pool of
/// the given number of threads that sleep when idle (ONNX Runtime's threads spin by default, which
/// starves the other processes of a busy machine).</remarks>
public sealed class OnnxEmbedder : ExportedModelEmbedder
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string _inputName;
    private readonly string _outputName;

    private OnnxEmbedder(ExportedModelFile file, InferenceSession session, string inputName, string outputName, Device device, int batchSize)
        : base(file, device, ScalarType.Float32, batchSize)
    {
        (_session, _inputName, _outputName) = (session, inputName, outputName);
    }

    /// <summary>Opens the graph of <paramref name="file"/>, checks its one input against the card's layout and finds
    /// the card's output, then checks the card with one silent example.</summary>
    /// <param name="file">The model file and its card.</param>
    /// <param name="device">Where embeddings are returned; CUDA runs the graph with ONNX Runtime's CUDA execution
    /// provider (the application references <c>Microsoft.ML.OnnxRuntime.Gpu</c>).</param>
    /// <param name="batchSize">The most examples per run.</param>
    /// <param name="threads">Intra-op threads; 0 for TorchSharp's thread count (<c>torch.get_num_threads</c>, what
    /// <c>relax --threads</c> sets).</param>
    /// <exception cref="ModelException">Not an ONNX model ONNX Runtime can open, an input or output that does not fit
    /// the card, or CUDA asked for without the GPU runtime; one line.</exception>
    public static OnnxEmbedder Load(ExportedModelFile file, Device device, int batchSize, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var input = file.Card.Input;
        using var options = SessionOptions(file.Path, device, threads);
        InferenceSession session;
        try
        {
            session = new InferenceSession(file.Bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelException($"{file.Path}: not an ONNX model ONNX Runtime can open: {FirstLine(e.Message)}", e);
        }
        OnnxEmbedder? embedder = null;
        try
        {
            var inputName = CheckInput(file.Path, session, input);
            var outputName = FindOutput(file.Path, session, file.Card.Output);
            embedder = new OnnxEmbedder(file, session, inputName, outputName, device, batchSize);
            embedder.CheckCard();
            return embedder;
        }
        catch
        {
            if (embedder is null)
            {
                session.Dispose();
            }
            else
            {
                embedder.Dispose(); // the session and the run options
            }
            throw;
        }
    }

    private static SessionOptions SessionOptions(string path, Device device, int threads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads > 0 ? threads : Math.Max(1, get_num_threads()),
            InterOpNumThreads = 1,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        if (device.type == TorchSharp.DeviceType.CUDA)
        {
            try
            {
                options.AppendExecutionProvider_CUDA(Math.Max(0, (int)device.index));
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                options.Dispose();
                throw new ModelException($"{path}: --device {device}: ONNX Runtime's CUDA execution provider is not available here ({FirstLine(e.Message)}); reference Microsoft.ML.OnnxRuntime.Gpu in the application, or run on the CPU.", e);
            }
        }
        return options;
    }

    private static string CheckInput(string path, InferenceSession session, ModelInput input)
    {
        if (session.InputMetadata.Count != 1)
        {
            throw new ModelException($"{path}: the graph has {session.InputMetadata.Count} inputs ({string.Join(", ", session.InputMetadata.Keys)}); an embedding model takes one, the examples.");
        }
        var (name, metadata) = session.InputMetadata.Single();
        var (height, width) = input.ExampleShape;
        long[] expected = input.Layout switch
        {
            InputLayout.BatchTimeFrequency => [-1, height, width],
            InputLayout.BatchFrequencyTime => [-1, width, height],
            InputLayout.BatchSamples => [-1, width],
            InputLayout.BatchChannelSamples => [-1, 1, width],
            _ => [-1, 1, height, width],
        };
        var dims = metadata.Dimensions;
        if (dims.Length > 0 && dims[0] > 0)
        {
            throw new ModelException($"{path}: the graph's input '{name}' has a fixed batch of {dims[0]}; export it with a dynamic batch axis (torch.onnx.export(..., dynamic_axes={{'{name}': {{0: 'batch'}}, ...}})).");
        }
        bool fits = metadata.ElementDataType == TensorElementType.Float && dims.Length == expected.Length
            && dims.Zip(expected).All(d => d.First <= 0 || d.Second == -1 || d.First == d.Second);
        return fits
            ? name
            : throw new ModelException($"{path}: the graph's input '{name}' is {metadata.ElementDataType} ({string.Join(", ", dims.Select(d => d <= 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}); the card's input.layout {input.LayoutName} asks for float ({string.Join(", ", expected.Select(d => d < 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}).");
    }

    private static string FindOutput(string path, InferenceSession session, ModelOutput output)
    {
        var names = session.OutputNames;
        string chosen;
        if (output.Name is { } name)
        {
            chosen = names.Contains(name)
                ? name
                : throw new ModelException($"{path}: the graph has no output '{name}' (the card's output.name); its outputs are {string.Join(", ", names)}.");
        }
        else
        {
            chosen = output.Index < names.Count
                ? names[output.Index]
                : throw new ModelException($"{path}: the graph has {names.Count} outputs ({string.Join(", ", names)}); the card's output.index is {output.Index}.");
        }
        var metadata = session.OutputMetadata[chosen];
        return metadata.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR && metadata.ElementDataType == TensorElementType.Float
            ? chosen
            : throw new ModelException($"{path}: the graph's output '{chosen}' is {(metadata.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR ? $"a tensor of {metadata.ElementDataType}" : metadata.OnnxValueType.ToString())}; an embedding is a float tensor (choose another with the card's output.name or output.index).");
    }

    /// <inheritdoc/>
    protected override Tensor Run(Tensor arranged)
    {
        using var host = arranged.to(ScalarType.Float32, CPU).contiguous();
        var shape = host.shape;
        using var value = OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<byte, float>(host.bytes).ToArray(), shape);
        try
        {
            using var results = _session.Run(_run, [_inputName], [value], [_outputName]);
            var result = results[0];
            var outputShape = result.GetTensorTypeAndShape().Shape;
            var data = result.GetTensorDataAsSpan<float>();
            return tensor(data.ToArray(), outputShape).to(Device);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelException($"{Source}: the graph failed on a batch of shape ({string.Join(", ", shape)}), the card's input.layout {Input.LayoutName}: {FirstLine(e.Message)}", e);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _session.Dispose();
            _run.Dispose();
        }
    }
}
