#!/usr/bin/python3
"""Turns the RESULT lines of benchmarks/scripts/gpu.sh into the throughput table of docs/performance.md.

    RESULT ours DTYPE BATCH MASKS_PER_S FORWARD_PER_S      (benchmarks/Relax.DeviceCheck)
    RESULT pytorch DTYPE BATCH MASKS_PER_S                 (tools/reference/relax_gpu.py)

Each cell is the best of the rounds (the rounds alternate ours and PyTorch's, so both see the same machine); the
ratio is ours / PyTorch's at the same dtype and batch, and at each side's best batch. The fraction of the H200's dense
bfloat16 peak (about 790 TFLOP/s) counts 1.728 GFLOP per VGGish forward pass (1.61 GFLOP in the convolutions and
linear layers' multiply-adds ×2, as docs/performance.md counts it). Agreement lines are copied below the table.
"""
import collections
import sys

GFLOP_PER_FORWARD = 1.728
PEAK_TFLOPS = 790.0

ours = collections.defaultdict(float)
forward = collections.defaultdict(float)
pytorch = collections.defaultdict(float)
notes = []
for line in open(sys.argv[1]):
    parts = line.split()
    if parts[:2] == ["RESULT", "ours"]:
        key = (parts[2], int(parts[3]))
        ours[key] = max(ours[key], float(parts[4]))
        forward[key] = max(forward[key], float(parts[5]))
    elif parts[:2] == ["RESULT", "pytorch"]:
        key = (parts[2], int(parts[3]))
        pytorch[key] = max(pytorch[key], float(parts[4]))
    elif any(word in line for word in ("masks ", "relax ", "evaluate ", "agreement", "corpus ", "FAILED", "cuDNN")):
        notes.append(line.rstrip())

print("| dtype | batch | ours masks/s | bare forward /s | ours / forward | PyTorch loop masks/s | ours / PyTorch | ours, % of bf16 peak |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for key in sorted(set(ours) | set(pytorch)):
    dtype, batch = key
    o, f, p = ours.get(key, 0), forward.get(key, 0), pytorch.get(key, 0)
    ratio = "%.2f" % (o / p) if o and p else "–"
    print("| %s | %d | %.0f | %.0f | %s | %.0f | %s | %.1f %% |" % (
        dtype, batch, o, f, "%.2f" % (o / f) if f else "–", p, ratio, 100 * o * GFLOP_PER_FORWARD / 1000 / PEAK_TFLOPS))
for dtype in sorted({k[0] for k in ours} | {k[0] for k in pytorch}):
    best_ours = max((v, b) for (d, b), v in ours.items() if d == dtype) if any(d == dtype for d, _ in ours) else (0, 0)
    best_py = max((v, b) for (d, b), v in pytorch.items() if d == dtype) if any(d == dtype for d, _ in pytorch) else (0, 0)
    if best_ours[0] and best_py[0]:
        print("| %s | best | %.0f (batch %d) | | | %.0f (batch %d) | **%.2f** | |" % (dtype, best_ours[0], best_ours[1], best_py[0], best_py[1], best_ours[0] / best_py[0]))
print()
for note in notes:
    print("    " + note)
