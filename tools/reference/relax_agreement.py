#!/usr/bin/python3
"""Do our RELAX maps agree with a straightforward PyTorch RELAX on the same network and clip?

Input: the folder written by
    dotnet run -c Release --project benchmarks/Relax.Models.VGGish.Benchmarks -- agreement OUTDIR [N]
(VGGish with random weights as a PyTorch state dict, one log-mel example of samples/data/synthetic-bird.wav, the N
time-frequency masks our explainer drew, our float32 and bfloat16 saliency maps). This script runs bench_relax.relax
(PyTorch 1.13, batch 64, 2 threads) with the same masks in float32 and bfloat16 autocast, and with its own masks
(independent draws, seeds 2 and 3; its seed 1 reproduces our masks exactly: both draw from libtorch's CPU generator in the same order), and prints Pearson correlations and the largest differences.

    LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=2 \\
        /usr/bin/python3 tools/reference/relax_agreement.py OUTDIR
"""
import os
import sys
import time

import numpy as np
import torch

from bench_relax import relax
from vggish_reference import VGGish


def pearson(a, b):
    return float(np.corrcoef(np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel())[0, 1])


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "relax-agreement"
    torch.set_num_threads(2)
    model = VGGish().eval()
    model.load_state_dict(torch.load(os.path.join(folder, "vggish-random.pth")))
    x = torch.from_numpy(np.load(os.path.join(folder, "logmel.npy")).astype(np.float32))
    masks = torch.from_numpy(np.load(os.path.join(folder, "masks.npy")).astype(np.float32))
    ours = {name: np.load(os.path.join(folder, "saliency-%s.npy" % name)) for name in ("float32", "bfloat16")}
    n = masks.shape[0]
    print("torch %s, threads %d, N = %d, batch 64" % (torch.__version__, torch.get_num_threads(), n))

    runs = {}
    for name, bf16, source in (("same masks, float32", False, masks), ("same masks, bfloat16 autocast", True, masks),
                               ("own masks seed 2, float32", False, None), ("own masks seed 3, float32", False, None)):
        seed = 3 if "seed 3" in name else 2 if "seed 2" in name else 1
        start = time.perf_counter()
        runs[name] = relax(model, x, n, 64, bf16, seed=seed, masks=source).numpy()
        print("PyTorch %-32s %6.1f s" % (name, time.perf_counter() - start))
        sys.stdout.flush()

    def report(label, a, b):
        print("%-62s r = %.6f   max |diff| = %.3e (map range %.3e)" % (label, pearson(a, b), np.abs(a - b).max(), np.ptp(b)))

    report("ours float32  vs PyTorch float32, same masks", ours["float32"], runs["same masks, float32"])
    report("ours bfloat16 vs PyTorch bfloat16 autocast, same masks", ours["bfloat16"], runs["same masks, bfloat16 autocast"])
    report("ours bfloat16 vs ours float32", ours["bfloat16"], ours["float32"])
    report("ours float32  vs PyTorch float32, independent masks (seed 2)", ours["float32"], runs["own masks seed 2, float32"])
    report("ours float32  vs PyTorch float32, independent masks (seed 3)", ours["float32"], runs["own masks seed 3, float32"])
    report("PyTorch seed 2 vs PyTorch seed 3 (its own reproducibility)", runs["own masks seed 2, float32"], runs["own masks seed 3, float32"])


if __name__ == "__main__":
    main()
