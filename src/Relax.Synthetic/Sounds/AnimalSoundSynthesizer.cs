namespace Relax.Synthetic;

/// <summary>
/// Generates animal-like sounds whose class evidence sits in known time-frequency regions, for training and
/// checking models without any downloaded data:
/// <list type="bullet">
/// <item><description>bird: 2–4 fast frequency-modulated chirps (40–110 ms) between 2.5 and 6.5 kHz;</description></item>
/// <item><description>dog: 1–3 short barks (90–200 ms): a 150–350 Hz harmonic series shaped by low formants up to 2 kHz, after a broadband noise onset;</description></item>
/// <item><description>cat: one slow meow (0.4–0.7 s) whose 350–700 Hz fundamental glides up and down, with harmonics up to 3 kHz.</description></item>
/// </list>
/// Every clip has the same low-level background noise, so only the planted sounds tell the classes apart.
/// The same seed always gives the same clip.
/// </summary>
public sealed class AnimalSoundSynthesizer
{
    private readonly SynthesizerOptions _options;

    /// <summary>Creates a synthesizer.</summary>
    public AnimalSoundSynthesizer(SynthesizerOptions? options = null)
    {
        _options = options ?? new SynthesizerOptions();
    }

    /// <summary>Generates one clip of <paramref name="label"/> from <paramref name="seed"/>.</summary>
    public SyntheticClip Generate(AnimalClass label, int seed)
    {
        int rate = _options.SampleRate;
        var random = new Random(StableSeed(seed, label)); // not HashCode.Combine: it is randomised per process
        var samples = new float[(int)Math.Round(_options.DurationSeconds * rate)];
        AddBackground(samples, random);
        var regions = label switch
        {
            AnimalClass.Bird => AddChirps(samples, rate, random),
            AnimalClass.Dog => AddBarks(samples, rate, random),
            AnimalClass.Cat => AddMeow(samples, rate, random),
            _ => throw new ArgumentOutOfRangeException(nameof(label), label, "Use Dog, Cat or Bird."),
        };
        float peak = samples.Max(Math.Abs);
        if (peak > 0.99f)
        {
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] *= 0.99f / peak;
            }
        }
        return new SyntheticClip(samples, rate, label, regions);
    }

    /// <summary>Generates <paramref name="perClass"/> clips of every class, seeds <paramref name="firstSeed"/> onwards,
    /// interleaved dog, cat, bird, dog, …</summary>
    public IEnumerable<SyntheticClip> GenerateSet(int perClass, int firstSeed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perClass, 1);
        for (int i = 0; i < perClass; i++)
        {
            foreach (var label in Enum.GetValues<AnimalClass>())
            {
                yield return Generate(label, firstSeed + i);
            }
        }
    }

    private void AddBackground(float[] samples, Random random)
    {
        // Gently low-passed white noise (one-pole), the same level for all classes.
        double state = 0, level = _options.BackgroundLevel;
        for (int i = 0; i < samples.Length; i++)
        {
            state = 0.7 * state + 0.3 * Gaussian(random);
            samples[i] += (float)(level * state * 1.7);
        }
    }

    private List<TimeFrequencyRegion> AddChirps(float[] samples, int rate, Random random)
    {
        var regions = new List<TimeFrequencyRegion>();
        int count = random.Next(2, 5);
        double duration = _options.DurationSeconds;
        double slot = duration / count;
        for (int c = 0; c < count; c++)
        {
            double length = 0.04 + 0.07 * random.NextDouble();
            double start = c * slot + (slot - length) * random.NextDouble();
            double low = 2500 + 2000 * random.NextDouble();
            double high = Math.Min(6500, low + 800 + 1500 * random.NextDouble());
            bool up = random.Next(2) == 0;
            double phase = 0;
            int first = (int)(start * rate), n = (int)(length * rate);
            for (int k = 0; k < n && first + k < samples.Length; k++)
            {
                double u = (double)k / n;
                double f = up ? low + (high - low) * u : high - (high - low) * u;
                phase += 2 * Math.PI * f / rate;
                samples[first + k] += (float)(_options.SoundLevel * Hann(u) * Math.Sin(phase));
            }
            regions.Add(new TimeFrequencyRegion(start, start + length, low, high));
        }
        return regions;
    }

    private List<TimeFrequencyRegion> AddBarks(float[] samples, int rate, Random random)
    {
        var regions = new List<TimeFrequencyRegion>();
        int count = random.Next(1, 4);
        double slot = _options.DurationSeconds / count;
        for (int b = 0; b < count; b++)
        {
            double length = 0.09 + 0.11 * random.NextDouble();
            double start = b * slot + (slot - length) * random.NextDouble();
            double f0 = 150 + 200 * random.NextDouble();
            double formant1 = 400 + 300 * random.NextDouble(), formant2 = 1000 + 500 * random.NextDouble();
            int first = (int)(start * rate), n = (int)(length * rate);
            int harmonics = (int)(2000 / f0);
            double noise = 0;
            for (int k = 0; k < n && first + k < samples.Length; k++)
            {
                double u = (double)k / n, t = (double)k / rate;
                double envelope = Math.Min(1, u * 12) * Math.Exp(-4 * u);
                double value = 0;
                for (int h = 1; h <= harmonics; h++)
                {
                    double f = f0 * h * (1 - 0.1 * u);
                    double gain = Formant(f, formant1, 250) + 0.6 * Formant(f, formant2, 400);
                    value += gain * Math.Sin(2 * Math.PI * f * t + h);
                }
                noise = 0.5 * noise + 0.5 * Gaussian(random); // a short, low-passed noisy onset
                value = value / Math.Sqrt(harmonics) + (u < 0.15 ? 0.8 * noise : 0);
                samples[first + k] += (float)(_options.SoundLevel * 1.2 * envelope * value);
            }
            regions.Add(new TimeFrequencyRegion(start, start + length, Math.Max(0, f0 * 0.8), 2000));
            regions.Add(new TimeFrequencyRegion(start, start + 0.15 * length, 0, rate / 2.0)); // the broadband onset
        }
        return regions;
    }

    private List<TimeFrequencyRegion> AddMeow(float[] samples, int rate, Random random)
    {
        double length = Math.Min(0.4 + 0.3 * random.NextDouble(), _options.DurationSeconds * 0.9);
        double start = (_options.DurationSeconds - length) * random.NextDouble();
        double f0Low = 350 + 100 * random.NextDouble(), f0High = f0Low + 150 + 150 * random.NextDouble();
        int first = (int)(start * rate), n = (int)(length * rate);
        double phase = 0;
        for (int k = 0; k < n && first + k < samples.Length; k++)
        {
            double u = (double)k / n;
            double f0 = f0Low + (f0High - f0Low) * Math.Sin(Math.PI * u); // up, then down
            phase += 2 * Math.PI * f0 / rate;
            double value = 0;
            for (int h = 1; h <= 4; h++)
            {
                value += Math.Sin(h * phase) / h;
            }
            samples[first + k] += (float)(_options.SoundLevel * 0.8 * Hann(u) * value);
        }
        return new List<TimeFrequencyRegion> { new(start, start + length, f0Low * 0.9, Math.Min(3000, 4 * f0High * 1.05)) };
    }

    /// <summary>Mixes the seed and class into one 31-bit seed with SplitMix64's finaliser: the same in every process.</summary>
    private static int StableSeed(int seed, AnimalClass label)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)label * 0xBF58476D1CE4E5B9UL + 0x5EED);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    private static double Hann(double u) => 0.5 - 0.5 * Math.Cos(2 * Math.PI * u);

    private static double Formant(double f, double centre, double width) => Math.Exp(-0.5 * Math.Pow((f - centre) / width, 2));

    private static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
