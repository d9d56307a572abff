using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Relax.Audio;

/// <summary>
/// The VGGish log-mel computation for four frames at once: every SIMD lane of a <see cref="Vector256{T}"/> of
/// doubles holds one frame, so the window, a 512-point real FFT (a 256-point complex radix-2 FFT plus the
/// real-input split), the magnitudes, the mel projection and the logarithm all run four frames per instruction
/// in double precision.
/// </summary>
/// <remarks>
/// Written by hand for speed: NWaves' <c>RealFft64</c> transforms one frame per call, which made the 16 kHz front
/// end no faster than the numpy reference; batching frames across SIMD lanes makes it several times faster.
/// <see cref="VGGishLogMel"/> falls back to NWaves when 256-bit SIMD is not hardware-accelerated, and the tests
/// compare both paths.
/// </remarks>
internal sealed class BatchedLogMel
{
    private const int Lanes = 4;
    private const int Half = VGGishLogMel.FftLength / 2; // 256-point complex FFT
    private const int Bins = Half + 1;

    private static readonly int[] BitReversed = BuildBitReversal();
    private static readonly double[] TwiddleCos = new double[Half / 2];
    private static readonly double[] TwiddleSin = new double[Half / 2];
    private static readonly double[] SplitCos = new double[Bins];
    private static readonly double[] SplitSin = new double[Bins];

    private readonly Vector256<double>[] _re = new Vector256<double>[Half];
    private readonly Vector256<double>[] _im = new Vector256<double>[Half];
    private readonly Vector256<double>[] _magnitude = new Vector256<double>[Bins];

#pragma warning disable CA1810 // the tables are filled together in one loop
    static BatchedLogMel()
#pragma warning restore CA1810
    {
        for (int j = 0; j < Half / 2; j++)
        {
            TwiddleCos[j] = Math.Cos(2 * Math.PI * j / Half);
            TwiddleSin[j] = -Math.Sin(2 * Math.PI * j / Half);
        }
        for (int k = 0; k < Bins; k++)
        {
            SplitCos[k] = Math.Cos(2 * Math.PI * k / VGGishLogMel.FftLength);
            SplitSin[k] = -Math.Sin(2 * Math.PI * k / VGGishLogMel.FftLength);
        }
    }

    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <summary>Writes <paramref name="frames"/> log-mel frames of <paramref name="waveform"/> to <paramref name="destination"/>.</summary>
    public void Compute(ReadOnlySpan<float> waveform, Span<float> destination, int frames, double[] window)
    {
        const int batchSpan = (Lanes - 1) * VGGishLogMel.HopLength + VGGishLogMel.WindowLength;
        var tail = new float[batchSpan];
        for (int first = 0; first < frames; first += Lanes)
        {
            int count = Math.Min(Lanes, frames - first);
            int start = first * VGGishLogMel.HopLength;
            ReadOnlySpan<float> samples;
            if (start + batchSpan <= waveform.Length)
            {
                samples = waveform.Slice(start, batchSpan);
            }
            else
            {
                // The last, incomplete batch: missing frames read zeros and are not written out.
                Array.Clear(tail);
                waveform[start..].CopyTo(tail);
                samples = tail;
            }
            Load(samples, window);
            Transform();
            Magnitudes();
            Project(destination, first, count);
        }
    }

    private void Project(Span<float> destination, int first, int count)
    {
        var bank = MelFilterbank.VGGish;
        var offset = Vector256.Create(VGGishLogMel.LogOffset);
        for (int band = 0; band < VGGishLogMel.MelBands; band++)
        {
            var weights = bank.BandWeights(band);
            var magnitude = _magnitude.AsSpan(bank.FirstBin(band), weights.Length);
            var sum = Vector256<double>.Zero;
            for (int i = 0; i < weights.Length; i++)
            {
                sum += magnitude[i] * weights[i];
            }
            var log = Vector256.Log(sum + offset);
            for (int lane = 0; lane < count; lane++)
            {
                destination[(first + lane) * VGGishLogMel.MelBands + band] = (float)log.GetElement(lane);
            }
        }
    }

    // Windowed samples of four frames (one per lane), packed as z[n] = x[2n] + i·x[2n+1] and stored in
    // bit-reversed order for the in-place FFT. The frame zero-padding (n ≥ 200) gives zeros.
    private void Load(ReadOnlySpan<float> samples, double[] window)
    {
        const int hop = VGGishLogMel.HopLength;
        _ = samples[(Lanes - 1) * hop + VGGishLogMel.WindowLength - 1];
        for (int n = 0; n < Half; n++)
        {
            int target = BitReversed[n];
            int even = 2 * n;
            if (even >= VGGishLogMel.WindowLength)
            {
                _re[target] = Vector256<double>.Zero;
                _im[target] = Vector256<double>.Zero;
                continue;
            }
            int odd = even + 1;
            _re[target] = Vector256.Create(samples[even], samples[hop + even], samples[2 * hop + even], samples[3 * hop + even]) * window[even];
            _im[target] = Vector256.Create(samples[odd], samples[hop + odd], samples[2 * hop + odd], samples[3 * hop + odd]) * window[odd];
        }
    }

    // Iterative radix-2 decimation-in-time FFT of 256 points on bit-reversed input.
    private void Transform()
    {
        var re = _re;
        var im = _im;
        for (int size = 2; size <= Half; size <<= 1)
        {
            int half = size >> 1;
            int step = Half / size;
            for (int start = 0; start < Half; start += size)
            {
                for (int j = 0; j < half; j++)
                {
                    int a = start + j, b = a + half;
                    double wr = TwiddleCos[j * step], wi = TwiddleSin[j * step];
                    var br = re[b];
                    var bi = im[b];
                    var tr = br * wr - bi * wi;
                    var ti = br * wi + bi * wr;
                    var ar = re[a];
                    var ai = im[a];
                    re[b] = ar - tr;
                    im[b] = ai - ti;
                    re[a] = ar + tr;
                    im[a] = ai + ti;
                }
            }
        }
    }

    // X[k] = (Z[k] + conj Z[N−k]) / 2 − i·e^{−2πik/512} (Z[k] − conj Z[N−k]) / 2, and |X[k]|.
    private void Magnitudes()
    {
        var re = _re;
        var im = _im;
        var half = Vector256.Create(0.5);
        for (int k = 0; k < Bins; k++)
        {
            int a = k & (Half - 1);
            int b = (Half - k) & (Half - 1);
            var evenRe = (re[a] + re[b]) * half;
            var evenIm = (im[a] - im[b]) * half;
            var oddRe = (im[a] + im[b]) * half;
            var oddIm = (re[b] - re[a]) * half;
            double c = SplitCos[k], s = SplitSin[k];
            var xr = evenRe + oddRe * c - oddIm * s;
            var xi = evenIm + oddRe * s + oddIm * c;
            _magnitude[k] = Vector256.Sqrt(xr * xr + xi * xi);
        }
    }

    private static int[] BuildBitReversal()
    {
        var table = new int[Half];
        int bits = System.Numerics.BitOperations.Log2(Half);
        for (int i = 0; i < Half; i++)
        {
            table[i] = ReverseBits(i, bits);
        }
        return table;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReverseBits(int value, int bits)
    {
        int result = 0;
        for (int b = 0; b < bits; b++)
        {
            result = (result << 1) | ((value >> b) & 1);
        }
        return result;
    }
}
