#!/usr/bin/python3
"""Independent Python reference of the VGGish audio front end, and generator of the parity fixtures
of tests/Relax.Audio.Tests.

The log-mel part follows the published VGGish front end (tensorflow/models research/audioset/vggish:
mel_features.py and vggish_input.waveform_to_examples), re-implemented here from the published
algorithm: mono by averaging channels, resampy.resample(..., 'kaiser_best') to 16 kHz, 25 ms periodic
Hann window (400 samples), 10 ms hop (160), FFT length 512, magnitude spectrum, 64 mel bands between
125 and 7500 Hz on the HTK mel scale built as triangles in the mel domain with the DC bin zeroed,
log(mel + 0.01), examples of 96 frames with a hop of 96 frames.

One deliberate difference from vggish_input.wavfile_to_examples: that function reads WAVs with
soundfile's dtype='int16' (quantising 24/32-bit and float files to 16 bits). This reference reads
every file with dtype='float64', which for 16-bit PCM is exactly int16 / 32768 and for other sample
formats keeps their full precision (what Relax.Audio does too).

Run with Debian's interpreter (python3-numpy, python3-resampy, python3-soundfile, python3-scipy):

    /usr/bin/python3 tools/reference/vggish_frontend_reference.py tests/Relax.Audio.Tests/Fixtures

It writes the WAV fixtures (generated signals, deterministic) and, for each, <name>.logmel.npy
(float32, shape (n, 96, 64)); plus a few reference tables (G.711, resampy filter, resampled
waveforms) described in Fixtures/README.md.
"""
import audioop  # deprecated in 3.11, still present; used only for the independent G.711 tables
import os
import sys

import numpy as np
import resampy
import soundfile as sf

SAMPLE_RATE = 16000
STFT_WINDOW_LENGTH_SECONDS = 0.025
STFT_HOP_LENGTH_SECONDS = 0.010
NUM_MEL_BINS = 64
MEL_MIN_HZ = 125.0
MEL_MAX_HZ = 7500.0
LOG_OFFSET = 0.01
EXAMPLE_WINDOW_SECONDS = 0.96
EXAMPLE_HOP_SECONDS = 0.96


# ---- mel_features.py (the published algorithm) ----------------------------------------------------
def frame(data, window_length, hop_length):
    num_samples = data.shape[0]
    num_frames = 1 + int(np.floor((num_samples - window_length) / hop_length))
    if num_frames < 1:
        return np.zeros((0, window_length) + data.shape[1:], dtype=data.dtype)
    shape = (num_frames, window_length) + data.shape[1:]
    strides = (data.strides[0] * hop_length,) + data.strides
    return np.lib.stride_tricks.as_strided(data, shape=shape, strides=strides)


def periodic_hann(window_length):
    return 0.5 - (0.5 * np.cos(2 * np.pi / window_length * np.arange(window_length)))


def stft_magnitude(signal, fft_length, hop_length, window_length):
    frames = frame(signal, window_length, hop_length)
    window = periodic_hann(window_length)
    return np.abs(np.fft.rfft(frames * window, int(fft_length)))


def hertz_to_mel(frequencies_hertz):
    return 1127.0 * np.log(1.0 + (frequencies_hertz / 700.0))


def spectrogram_to_mel_matrix(num_mel_bins, num_spectrogram_bins, audio_sample_rate,
                              lower_edge_hertz, upper_edge_hertz):
    nyquist_hertz = audio_sample_rate / 2.0
    assert 0.0 <= lower_edge_hertz < upper_edge_hertz <= nyquist_hertz
    spectrogram_bins_mel = hertz_to_mel(np.linspace(0.0, nyquist_hertz, num_spectrogram_bins))
    band_edges_mel = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz),
                                 num_mel_bins + 2)
    weights = np.empty((num_spectrogram_bins, num_mel_bins))
    for i in range(num_mel_bins):
        lower, center, upper = band_edges_mel[i:i + 3]
        lower_slope = (spectrogram_bins_mel - lower) / (center - lower)
        upper_slope = (upper - spectrogram_bins_mel) / (upper - center)
        weights[:, i] = np.maximum(0.0, np.minimum(lower_slope, upper_slope))
    weights[0, :] = 0.0
    return weights


def log_mel_spectrogram(data, audio_sample_rate, log_offset, window_length_secs, hop_length_secs,
                        **kwargs):
    window_length_samples = int(round(audio_sample_rate * window_length_secs))
    hop_length_samples = int(round(audio_sample_rate * hop_length_secs))
    fft_length = 2 ** int(np.ceil(np.log(window_length_samples) / np.log(2.0)))
    spectrogram = stft_magnitude(data, fft_length, hop_length_samples, window_length_samples)
    mel = np.dot(spectrogram, spectrogram_to_mel_matrix(
        num_spectrogram_bins=spectrogram.shape[1], audio_sample_rate=audio_sample_rate, **kwargs))
    return np.log(mel + log_offset)


# ---- vggish_input.waveform_to_examples --------------------------------------------------------------
def to_mono_16k(data, sample_rate):
    if data.ndim > 1:
        data = np.mean(data, axis=1)
    if sample_rate != SAMPLE_RATE:
        data = resampy.resample(data, sample_rate, SAMPLE_RATE, filter='kaiser_best')
    return data


def waveform_to_examples(data, sample_rate):
    data = to_mono_16k(data, sample_rate)
    log_mel = log_mel_spectrogram(
        data, audio_sample_rate=SAMPLE_RATE, log_offset=LOG_OFFSET,
        window_length_secs=STFT_WINDOW_LENGTH_SECONDS, hop_length_secs=STFT_HOP_LENGTH_SECONDS,
        num_mel_bins=NUM_MEL_BINS, lower_edge_hertz=MEL_MIN_HZ, upper_edge_hertz=MEL_MAX_HZ)
    features_sample_rate = 1.0 / STFT_HOP_LENGTH_SECONDS
    window = int(round(EXAMPLE_WINDOW_SECONDS * features_sample_rate))
    hop = int(round(EXAMPLE_HOP_SECONDS * features_sample_rate))
    return frame(log_mel, window, hop)


def wavfile_to_examples(path):
    data, sr = sf.read(path, dtype='float64', always_2d=False)
    return waveform_to_examples(data, sr)


# ---- fixture generation -------------------------------------------------------------------------------
def test_signal(rate, seconds, channels, seed):
    """Deterministic mix of a log chirp, tones, amplitude-modulated noise and a silent gap."""
    rng = np.random.default_rng(seed)
    n = int(round(rate * seconds))
    t = np.arange(n) / rate
    nyq = rate / 2.0
    f0, f1 = 60.0, min(7800.0, 0.9 * nyq)
    chirp = np.sin(2 * np.pi * f0 * seconds / np.log(f1 / f0) * (np.exp(t / seconds * np.log(f1 / f0)) - 1))
    out = np.empty((n, channels))
    for c in range(channels):
        tones = sum(0.15 * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.28))
                    for f in rng.uniform(200, min(6000, 0.8 * nyq), 3))
        noise = rng.standard_normal(n) * 0.08 * (0.5 + 0.5 * np.sin(2 * np.pi * 1.3 * t))
        x = 0.4 * chirp * (1.0 if c == 0 else 0.5) + tones + noise
        gap = (t > 0.30 * seconds) & (t < 0.38 * seconds)
        x[gap] *= 0.001  # near-silence exercises log(mel + 0.01)
        out[:, c] = np.clip(x, -0.99, 0.99)
    return out if channels > 1 else out[:, 0]


# name, rate, seconds, channels, soundfile format, subtype
FIXTURES = [
    ('s16_16000_mono', 16000, 2.1, 1, 'WAV', 'PCM_16'),
    ('s16_16000_stereo', 16000, 1.0, 2, 'WAV', 'PCM_16'),
    ('u8_16000_mono', 16000, 1.0, 1, 'WAV', 'PCM_U8'),
    ('s24_16000_mono', 16000, 1.0, 1, 'WAV', 'PCM_24'),
    ('s32_16000_mono', 16000, 1.0, 1, 'WAV', 'PCM_32'),
    ('f32_16000_mono', 16000, 1.0, 1, 'WAV', 'FLOAT'),
    ('f64_16000_mono', 16000, 1.0, 1, 'WAV', 'DOUBLE'),
    ('alaw_16000_mono', 16000, 1.0, 1, 'WAV', 'ALAW'),
    ('ulaw_16000_mono', 16000, 1.0, 1, 'WAV', 'ULAW'),
    ('wavex_s16_16000_stereo', 16000, 1.0, 2, 'WAVEX', 'PCM_16'),
    ('s16_44100_stereo', 44100, 1.0, 2, 'WAV', 'PCM_16'),
    ('s16_22050_mono', 22050, 1.0, 1, 'WAV', 'PCM_16'),
    ('u8_8000_mono', 8000, 2.1, 1, 'WAV', 'PCM_U8'),
    ('s16_11127_mono', 11127, 1.0, 1, 'WAV', 'PCM_16'),
    ('u8_22257_mono', 22257, 1.0, 1, 'WAV', 'PCM_U8'),
    ('f32_48000_mono', 48000, 1.0, 1, 'WAV', 'FLOAT'),
    ('s24_32000_mono', 32000, 1.0, 1, 'WAV', 'PCM_24'),
]


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for seed, (name, rate, seconds, channels, fmt, subtype) in enumerate(FIXTURES):
        path = os.path.join(out_dir, name + '.wav')
        sf.write(path, test_signal(rate, seconds, channels, seed + 1), rate, format=fmt, subtype=subtype)
        examples = wavfile_to_examples(path).astype(np.float32)
        np.save(os.path.join(out_dir, name + '.logmel.npy'), np.ascontiguousarray(examples))
        print(f'{name}: {os.path.getsize(path)} bytes, examples {examples.shape}')

    # Resampler alone: resampy kaiser_best on the decoded mono waveform of two fixtures.
    for name in ('s16_44100_stereo', 's16_11127_mono'):
        data, sr = sf.read(os.path.join(out_dir, name + '.wav'), dtype='float64')
        np.save(os.path.join(out_dir, name + '.resampled16k.npy'), to_mono_16k(data, sr).astype(np.float32))

    # resampy's kaiser_best half window, every 512th coefficient (the full table has 409601).
    d = np.load(os.path.join(os.path.dirname(resampy.__file__), 'data', 'kaiser_best.npz'))
    np.save(os.path.join(out_dir, 'kaiser_best_every512.npy'), d['half_window'][::512].astype(np.float64))

    # G.711 decoding tables from CPython's audioop (an implementation independent of ours).
    codes = bytes(range(256))
    alaw = np.frombuffer(audioop.alaw2lin(codes, 2), dtype='<i2').astype(np.float32)
    ulaw = np.frombuffer(audioop.ulaw2lin(codes, 2), dtype='<i2').astype(np.float32)
    np.save(os.path.join(out_dir, 'g711_alaw.npy'), alaw)
    np.save(os.path.join(out_dir, 'g711_ulaw.npy'), ulaw)

    # VGGish mel matrix (257 x 64) as the reference builds it.
    np.save(os.path.join(out_dir, 'vggish_mel_matrix.npy'), spectrogram_to_mel_matrix(
        NUM_MEL_BINS, 257, SAMPLE_RATE, MEL_MIN_HZ, MEL_MAX_HZ).astype(np.float32))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'tests/Relax.Audio.Tests/Fixtures')
