"""Reference values for Relax's counter-based masks (tests/Relax.Core.Tests/CounterRandomTests.cs), from NumPy.

Run once (Debian 12: apt-get install python3-numpy) from the repository root:
    /usr/bin/python3 tools/reference/philox_reference.py
Writes tests/Relax.Core.Tests/Fixtures/philox_reference.json with
- Philox4x64-10 blocks from numpy.random.Philox (an independent implementation of Salmon et al., 2011), for
  Random123's known-answer inputs and a few others: counter, key, the four output words;
- the uniform numbers of (seed, domain, index, stream) as Relax documents them (counter = (position / 4, stream,
  index, 0), key = (seed, domain), top 53 bits of each word);
- masks of every built-in kind drawn by the documented algorithm here, independently of the C# code: time-frequency,
  time, frequency and pixel masks (bit-packed) must match bit for bit, random-grid masks (philox_random_grid.npy,
  computed in float64) to float32 rounding.
"""
import json

import numpy as np

M64 = 2**64 - 1
MASK_DOMAIN = 0x736B73616D  # "masks" in little-endian ASCII


def block(counter, key):
    """Philox4x64-10 of counter under key. NumPy's Philox adds one to the counter before each block."""
    c = list(counter)
    # subtract one with borrow, so that NumPy's increment lands on `counter`
    for i in range(4):
        if c[i] > 0:
            c[i] -= 1
            break
        c[i] = M64
    # explicit uint64 arrays: a list of Python ints above 2**63 goes through float64 and loses bits
    g = np.random.Philox(counter=np.array(c, dtype=np.uint64), key=np.array(list(key), dtype=np.uint64))
    return [int(w) for w in g.random_raw(4)]


def uniforms(seed, domain, index, stream, n):
    out = []
    for b in range((n + 3) // 4):
        words = block([b, stream, index & M64, 0], [seed & M64, domain])
        out += [(w >> 11) * 2.0**-53 for w in words]
    return out[:n]


def bands(seed, index, stream, length, width, p):
    count = (length + width - 1) // width + 1
    u = uniforms(seed, MASK_DOMAIN, index, stream, count + 1)
    offset = min(width - 1, int(u[0] * width))
    return np.array([1.0 if u[1 + (i + offset) // width] < p else 0.0 for i in range(length)])


def time_frequency(seed, index, h, w, tb, fb, p):
    q = np.sqrt(p)
    return np.outer(bands(seed, index, 0, h, tb, q), bands(seed, index, 1, w, fb, q))


def pixel(seed, index, h, w, p):
    u = np.array(uniforms(seed, MASK_DOMAIN, index, 2, h * w))
    return (u < p).astype(np.float64).reshape(h, w)


def random_grid(seed, index, h, w, rows, cols, p):
    ch, cw = (h + rows - 1) // rows, (w + cols - 1) // cols
    grid = (np.array(uniforms(seed, MASK_DOMAIN, index, 3, rows * cols)) < p).astype(np.float64).reshape(rows, cols)
    s = uniforms(seed, MASK_DOMAIN, index, 4, 2)
    rs, cs = min(ch - 1, int(s[0] * ch)), min(cw - 1, int(s[1] * cw))

    def axis(cells, size, length, shift):
        up = (cells + 1) * size
        lo, hi, wl, wh = [], [], [], []
        for i in range(length):
            y = i + shift
            src = max(0.0, (y + 0.5) * cells / up - 0.5)
            b = min(int(src), cells - 1)
            lo.append(b)
            hi.append(min(b + 1, cells - 1))
            wh.append(src - b)
            wl.append(1 - (src - b))
        return lo, hi, np.array(wl), np.array(wh)

    rl, rh, rwl, rwh = axis(rows, ch, h, rs)
    cl, chi, cwl, cwh = axis(cols, cw, w, cs)
    out = (grid[np.ix_(rl, cl)] * np.outer(rwl, cwl) + grid[np.ix_(rl, chi)] * np.outer(rwl, cwh)
           + grid[np.ix_(rh, cl)] * np.outer(rwh, cwl) + grid[np.ix_(rh, chi)] * np.outer(rwh, cwh))
    return np.clip(out, 0, 1)


blocks = []
for counter, key in [([0, 0, 0, 0], [0, 0]), ([M64] * 4, [M64, M64]),
                     ([0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89],
                      [0x452821E638D01377, 0xBE5466CF34E90C6C]),
                     ([7, 1, 123456789, 0], [1, MASK_DOMAIN]), ([2**63, 3, 2**40 + 5, 9], [2**64 - 17, 42])]:
    blocks.append({"counter": [f"{c:016x}" for c in counter], "key": [f"{k:016x}" for k in key],
                   "output": [f"{w:016x}" for w in block(counter, key)]})

seed = 20261204
indices = [0, 63, 1000]
binary = []
for index in indices:
    for kind, values in [("time-frequency", time_frequency(seed, index, 96, 64, 8, 4, 0.5)),
                         ("time", np.repeat(bands(seed, index, 0, 96, 8, 0.3)[:, None], 64, 1)),
                         ("frequency", np.repeat(bands(seed, index, 1, 64, 4, 0.8)[None, :], 96, 0)),
                         ("pixel", pixel(seed, index, 24, 18, 0.5))]:
        bits = np.packbits(values.ravel().astype(np.uint8))  # row-major cells, most significant bit first
        binary.append({"kind": kind, "index": index, "height": values.shape[0], "width": values.shape[1], "bits": bits.tobytes().hex()})
grids = np.stack([random_grid(seed, index, 96, 64, 8, 8, 0.5) for index in indices[:2]]).astype(np.float32)
np.save("tests/Relax.Core.Tests/Fixtures/philox_random_grid.npy", grids)

reference = {
    "numpy": np.__version__,
    "blocks": blocks,
    "uniforms": {"seed": -5, "domain": f"{MASK_DOMAIN:016x}", "index": 77, "stream": 3,
                 "values": uniforms(-5, MASK_DOMAIN, 77, 3, 10)},
    "masks": {"seed": seed, "settings": "time-frequency 8x4 p=0.5 (96x64); time 8 p=0.3 (96x64); frequency 4 p=0.8 (96x64); pixel p=0.5 (24x18)",
              "binary": binary, "random_grid": {"file": "philox_random_grid.npy", "indices": indices[:2], "settings": "8x8 p=0.5 (96x64)"}},
}
with open("tests/Relax.Core.Tests/Fixtures/philox_reference.json", "w") as f:
    json.dump(reference, f)
print("wrote tests/Relax.Core.Tests/Fixtures/philox_reference.json")
