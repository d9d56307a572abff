#!/usr/bin/python3
"""Times the Python reference front end (vggish_frontend_reference.waveform_to_examples: resampy kaiser_best +
numpy log-mel) on the inputs of benchmarks/Relax.Audio.Benchmarks: 10 s of mono audio at 16 kHz and 44.1 kHz,
0.3 sin(2π·440·t) + 0.2 sin(2π·3000·t) + 0.1·((i·7919 mod 1000)/500 − 1).

    /usr/bin/python3 tools/reference/bench_frontend.py [repeats]

Prints the median time per call and the seconds of audio processed per second. The first call (numba JIT of
resampy) is excluded. Set OPENBLAS_NUM_THREADS=1 to keep numpy's matrix product on one core as the .NET code is.
"""
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vggish_frontend_reference as reference  # noqa: E402

SECONDS = 10.0


def signal(rate):
    i = np.arange(int(rate * SECONDS))
    t = i / rate
    return (0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 3000 * t)
            + 0.1 * ((i * 7919 % 1000) / 500.0 - 1)).astype(np.float32).astype(np.float64)


def main(repeats):
    for rate in (16000, 44100):
        x = signal(rate)
        reference.waveform_to_examples(x, rate)  # warm-up (numba compiles resampy's loop)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            reference.waveform_to_examples(x, rate)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f'{rate} Hz: median {median * 1000:.2f} ms per {SECONDS:g} s '
              f'-> {SECONDS / median:,.0f} s of audio per second (min {min(times) * 1000:.2f} ms, {repeats} runs)')


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
