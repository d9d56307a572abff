namespace Relax.Audio;

/// <summary>
/// Triangular mel filters over the bins of a real FFT, built exactly as the VGGish reference builds them
/// (<c>mel_features.spectrogram_to_mel_matrix</c>): band edges equally spaced on the HTK mel scale
/// (<c>mel = 1127 · ln(1 + f / 700)</c>), each triangle linear in mel over the linearly spaced FFT bin
/// frequencies, and the weights of the DC bin set to zero.
/// </summary>
/// <remarks>
/// Written by hand: NWaves' <c>FilterBanks.Triangular</c>/<c>MelBands</c> interpolate the triangles linearly in
/// hertz (and keep the DC bin), which gives different weights. The filters are stored sparsely (each band covers
/// a few consecutive bins). Instances are immutable and thread-safe.
/// </remarks>
public sealed class MelFilterbank
{
    private readonly int[] _firstBin;
    private readonly double[][] _weights;

    private MelFilterbank(int bands, int spectrumBins, int[] firstBin, double[][] weights, double[] centreHertz)
    {
        CentreHertz = centreHertz;
        Bands = bands;
        SpectrumBins = spectrumBins;
        _firstBin = firstBin;
        _weights = weights;
    }

    /// <summary>The VGGish filterbank: 64 bands from 125 to 7500 Hz over the 257 bins of a 512-point FFT at 16 kHz.</summary>
    public static MelFilterbank VGGish { get; } = CreateHtk(64, 257, 16000, 125.0, 7500.0);

    /// <summary>Number of mel bands.</summary>
    public int Bands { get; }

    /// <summary>The centre (peak) frequency of each band in Hz, ascending: for figures and for mapping
    /// time-frequency regions onto mel bands.</summary>
    public IReadOnlyList<double> CentreHertz { get; }

    /// <summary>The frequency of an HTK mel value: <c>700 · (exp(mel / 1127) − 1)</c>.</summary>
    public static double MelToHertz(double mel) => 700.0 * (Math.Exp(mel / 1127.0) - 1.0);

    /// <summary>Number of spectrum bins (FFT length / 2 + 1).</summary>
    public int SpectrumBins { get; }

    /// <summary>The HTK mel value of a frequency: <c>1127 · ln(1 + hz / 700)</c>.</summary>
    public static double HertzToMel(double hertz) => 1127.0 * Math.Log(1.0 + hertz / 700.0);

    /// <summary>Builds a filterbank the way <c>spectrogram_to_mel_matrix</c> does.</summary>
    /// <param name="bands">Number of mel bands; at least 1.</param>
    /// <param name="spectrumBins">Number of spectrum bins from 0 Hz to Nyquist; at least 2.</param>
    /// <param name="sampleRate">Sample rate in Hz; positive.</param>
    /// <param name="lowerHertz">Lower edge of the lowest band; at least 0.</param>
    /// <param name="upperHertz">Upper edge of the highest band; above the lower edge, at most Nyquist.</param>
    public static MelFilterbank CreateHtk(int bands, int spectrumBins, double sampleRate, double lowerHertz, double upperHertz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spectrumBins, 2);
        if (!(sampleRate > 0) || !double.IsFinite(sampleRate))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate must be positive.");
        }
        double nyquist = sampleRate / 2;
        if (!(lowerHertz >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lowerHertz), lowerHertz, "The lower edge must be at least 0 Hz.");
        }
        if (!(upperHertz > lowerHertz) || upperHertz > nyquist)
        {
            throw new ArgumentOutOfRangeException(nameof(upperHertz), upperHertz, $"The upper edge must lie above the lower edge ({lowerHertz} Hz) and at most at Nyquist ({nyquist} Hz).");
        }

        // np.linspace(0, nyquist, bins) and np.linspace(mel(lower), mel(upper), bands + 2), term for term.
        var binMel = new double[spectrumBins];
        double binStep = nyquist / (spectrumBins - 1);
        for (int k = 0; k < spectrumBins; k++)
        {
            binMel[k] = HertzToMel(k == spectrumBins - 1 ? nyquist : k * binStep);
        }
        double lowerMel = HertzToMel(lowerHertz), upperMel = HertzToMel(upperHertz);
        double edgeStep = (upperMel - lowerMel) / (bands + 1);
        var edges = new double[bands + 2];
        for (int i = 0; i < edges.Length; i++)
        {
            edges[i] = i == edges.Length - 1 ? upperMel : lowerMel + i * edgeStep;
        }

        var firstBin = new int[bands];
        var weights = new double[bands][];
        var column = new double[spectrumBins];
        for (int band = 0; band < bands; band++)
        {
            double lower = edges[band], center = edges[band + 1], upper = edges[band + 2];
            int first = -1, last = -1;
            for (int k = 1; k < spectrumBins; k++) // bin 0 (DC) keeps weight 0
            {
                double lowerSlope = (binMel[k] - lower) / (center - lower);
                double upperSlope = (upper - binMel[k]) / (upper - center);
                column[k] = Math.Max(0.0, Math.Min(lowerSlope, upperSlope));
                if (column[k] > 0)
                {
                    first = first < 0 ? k : first;
                    last = k;
                }
            }
            firstBin[band] = Math.Max(first, 0);
            weights[band] = first < 0 ? [] : column.AsSpan(first, last - first + 1).ToArray();
        }
        var centres = Enumerable.Range(1, bands).Select(i => MelToHertz(edges[i])).ToArray();
        return new MelFilterbank(bands, spectrumBins, firstBin, weights, centres);
    }

    /// <summary>The weight of spectrum bin <paramref name="bin"/> in mel band <paramref name="band"/>.</summary>
    public double Weight(int bin, int band)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bin);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bin, SpectrumBins);
        ArgumentOutOfRangeException.ThrowIfNegative(band);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(band, Bands);
        int index = bin - _firstBin[band];
        return index >= 0 && index < _weights[band].Length ? _weights[band][index] : 0.0;
    }

    /// <summary>The first bin with a non-zero weight in <paramref name="band"/>.</summary>
    internal int FirstBin(int band) => _firstBin[band];

    /// <summary>The non-zero weights of <paramref name="band"/>, from <see cref="FirstBin"/> on.</summary>
    internal double[] BandWeights(int band) => _weights[band];

    /// <summary>The dense weight matrix, spectrum bins × bands (the layout of <c>spectrogram_to_mel_matrix</c>).</summary>
    public double[,] ToMatrix()
    {
        var matrix = new double[SpectrumBins, Bands];
        for (int band = 0; band < Bands; band++)
        {
            for (int i = 0; i < _weights[band].Length; i++)
            {
                matrix[_firstBin[band] + i, band] = _weights[band][i];
            }
        }
        return matrix;
    }

    /// <summary>Projects one spectrum onto the bands: <c>mel[b] = Σ_k spectrum[k] · weight(k, b)</c>.</summary>
    /// <param name="spectrum"><see cref="SpectrumBins"/> values.</param>
    /// <param name="mel">Receives <see cref="Bands"/> values.</param>
    public void Apply(ReadOnlySpan<double> spectrum, Span<double> mel)
    {
        if (spectrum.Length < SpectrumBins)
        {
            throw new ArgumentException($"The spectrum has {spectrum.Length} bins; {SpectrumBins} are needed.", nameof(spectrum));
        }
        if (mel.Length < Bands)
        {
            throw new ArgumentException($"The output holds {mel.Length} bands; {Bands} are needed.", nameof(mel));
        }
        for (int band = 0; band < Bands; band++)
        {
            var w = _weights[band];
            var s = spectrum.Slice(_firstBin[band], w.Length);
            double sum = 0;
            for (int i = 0; i < w.Length; i++)
            {
                sum += w[i] * s[i];
            }
            mel[band] = sum;
        }
    }
}
