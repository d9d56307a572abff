namespace Relax.Models;

/// <summary>How a (B, C, H, W) feature map becomes (B, C·H·W) before the dense layers.</summary>
public enum FlattenOrder
{
    /// <summary>Channel, row, column (PyTorch's <c>flatten(1)</c>).</summary>
    ChannelsFirst,

    /// <summary>Row, column, channel (<c>permute(0, 2, 3, 1)</c> first, as TensorFlow's NHWC VGGish and torchvggish).</summary>
    ChannelsLast,
}
