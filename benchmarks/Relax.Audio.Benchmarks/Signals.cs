namespace Relax.Audio.Benchmarks;

/// <summary>
/// The benchmark input, defined identically in tools/reference/bench_frontend.py: two tones and a deterministic
/// saw-like noise, <c>0.3 sin(2π·440·t) + 0.2 sin(2π·3000·t) + 0.1 · ((i · 7919 mod 1000) / 500 − 1)</c>.
/// </summary>
public static class Signals
{
    public const double Seconds = 10.0;

    public static float[] Create(int sampleRate)
    {
        var x = new float[(int)(sampleRate * Seconds)];
        for (int i = 0; i < x.Length; i++)
        {
            double t = (double)i / sampleRate;
            x[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 440 * t) + 0.2 * Math.Sin(2 * Math.PI * 3000 * t) + 0.1 * ((long)i * 7919 % 1000 / 500.0 - 1));
        }
        return x;
    }
}
