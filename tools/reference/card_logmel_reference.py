#!/usr/bin/python3
"""Reference log-mel examples for model cards whose preprocessing is not VGGish's.

The analysis is the published VGGish mel_features algorithm (frames where a whole window fits, periodic Hann window,
rfft of the given size, magnitude, HTK mel matrix with the DC bin zeroed, log(mel + offset)) as
vggish_frontend_reference.py re-implements it, with every value taken from a card instead of VGGish's; examples are
framesPerExample frames every exampleHopFrames. Run once with Debian's interpreter:

    /usr/bin/python3 tools/reference/card_logmel_reference.py

It writes into tools/reference/models/:
  card-32k.json                     a card for logmel-cnn.onnx (same network, 96 x 64 in) with PANNs-like analysis:
                                    32 kHz, window 1024, hop 320, FFT 1024, 64 bands 50-14000 Hz, offset 1e-6
  card-32k-input.wav                2.5 s at 32 kHz (float32): a log chirp 60 Hz - 15 kHz over noise
  card-32k-input-logmel.npy         its examples (n, 96, 64) float32 by that card
  card-odd-fft-waveform.npy         a fixed 22.05 kHz test signal (float32)
  card-odd-fft-logmel.npy           its log-mel by window 551, hop 220, FFT 600 (not a power of two), 40 bands
                                    0-11025 Hz, offset 1e-3: (frames, 40) float32
"""
import json
import os
import sys

import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vggish_frontend_reference import frame, stft_magnitude, spectrogram_to_mel_matrix  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tools', 'reference', 'models')


def log_mel(data, rate, window, hop, fft, bands, fmin, fmax, offset):
    spectrogram = stft_magnitude(data, fft, hop, window)
    mel = np.dot(spectrogram, spectrogram_to_mel_matrix(bands, spectrogram.shape[1], rate, fmin, fmax))
    return np.log(mel + offset)


def main():
    card = {
        "name": "logmel-cnn-32k",
        "input": {"kind": "log-mel", "sampleRate": 32000, "windowSamples": 1024, "hopSamples": 320, "fftSize": 1024,
                  "melBands": 64, "fminHz": 50, "fmaxHz": 14000, "logOffset": 1e-6, "framesPerExample": 96,
                  "exampleHopFrames": 96, "layout": "N,1,T,F"},
        "output": {"name": "frames", "index": 1, "reduce": "mean"},
    }
    with open(os.path.join(OUT, 'card-32k.json'), 'w') as f:
        json.dump(card, f, indent=2)
        f.write('\n')
    # A 32 kHz recording (no resampling: the resampler has parity fixtures of its own) with content in every band:
    # a log chirp from 60 Hz to 15 kHz over noise, 2.5 s, written as float32 WAV.
    rng = np.random.RandomState(3)
    t = np.arange(80000) / 32000.0
    chirp = 0.4 * np.sin(2 * np.pi * 60 * 2.5 / np.log(250) * (250 ** (t / 2.5) - 1))
    signal = (chirp + 0.03 * rng.randn(t.size)).astype(np.float32)
    sf.write(os.path.join(OUT, 'card-32k-input.wav'), signal, 32000, subtype='FLOAT')
    examples = frame(log_mel(signal.astype(np.float64), 32000, 1024, 320, 1024, 64, 50.0, 14000.0, 1e-6), 96, 96)
    np.save(os.path.join(OUT, 'card-32k-input-logmel.npy'), np.ascontiguousarray(examples.astype(np.float32)))

    rng = np.random.RandomState(7)
    t = np.arange(22050) / 22050.0
    signal = (0.4 * np.sin(2 * np.pi * (300 + 2000 * t) * t) + 0.2 * np.sin(2 * np.pi * 5000 * t)
              + 0.05 * rng.randn(t.size)).astype(np.float32)
    np.save(os.path.join(OUT, 'card-odd-fft-waveform.npy'), signal)
    odd = log_mel(signal.astype(np.float64), 22050, 551, 220, 600, 40, 0.0, 11025.0, 1e-3)
    np.save(os.path.join(OUT, 'card-odd-fft-logmel.npy'), odd.astype(np.float32))
    print('examples', examples.shape, 'odd', odd.shape)


if __name__ == '__main__':
    main()
