#!/usr/bin/python3
"""PyTorch timing of the VGGish forward pass, to compare with benchmarks/Relax.Models.VGGish.Benchmarks.

Same network (random weights), same batches (1, 16, 64), float32 and bfloat16, two threads, eval mode, no_grad,
plus the same 2048^3 matmul peak probe. Each figure is the mean of 3 timed runs after 1 warm-up run.

    /usr/bin/python3 tools/reference/bench_vggish.py

Debian's python3-torch 1.13 is built with BLAS_INFO=generic: float32 matmul and Linear layers go to the system
libblas.so.3, by default the reference (netlib) BLAS, about 4 GFLOP/s here, while convolutions and bfloat16 go to
oneDNN. For a fair float32 figure run it against OpenBLAS without changing the system, e.g.:

    apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb /tmp/openblas
    LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=2 \
        /usr/bin/python3 tools/reference/bench_vggish.py
"""
import time

import torch

from vggish_reference import VGGish

CONV = [(96, 64, 1, 64), (48, 32, 64, 128), (24, 16, 128, 256), (24, 16, 256, 256), (12, 8, 256, 512), (12, 8, 512, 512)]
FLOP_PER_EXAMPLE = sum(2.0 * h * w * ci * co * 9 for h, w, ci, co in CONV) + 2.0 * (12288 * 4096 + 4096 * 4096 + 4096 * 128)


def timed(fn, warmup=1, runs=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sum(times) / len(times)


def main():
    torch.set_num_threads(2)
    torch.manual_seed(1)
    blas = [line.strip() for line in open("/proc/self/maps") if "blas" in line.lower()]
    print("torch %s, threads %d, %.3f GFLOP per example, BLAS %s" % (
        torch.__version__, torch.get_num_threads(), FLOP_PER_EXAMPLE / 1e9, blas[0].split()[-1] if blas else "?"))
    print("%-9s %5s %10s %10s %9s" % ("dtype", "batch", "ms/op", "emb/s", "GFLOP/s"))
    for dtype in (torch.float32, torch.bfloat16):
        model = VGGish().eval().to(dtype)
        for batch in (1, 16, 64):
            x = torch.randn(batch, 1, 96, 64).to(dtype)
            with torch.no_grad():
                seconds = timed(lambda: model(x))
            print("%-9s %5d %10.1f %10.1f %9.1f" % (str(dtype).replace("torch.", ""), batch, seconds * 1e3, batch / seconds, batch * FLOP_PER_EXAMPLE / seconds / 1e9))
    n = 2048
    for dtype in (torch.float32, torch.bfloat16):
        a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
        seconds = timed(lambda: a @ b, warmup=2, runs=5)
        print("matmul %d^3 %-9s %8.1f ms %8.1f GFLOP/s" % (n, str(dtype).replace("torch.", ""), seconds * 1e3, 2.0 * n ** 3 / seconds / 1e9))


if __name__ == "__main__":
    main()
