#!/usr/bin/python3
"""A straightforward PyTorch RELAX on VGGish, to compare with RelaxVGGishBenchmarks (benchmarks/Relax.Models.VGGish.Benchmarks).

Same network as VGGishEmbedder without postprocessing (vggish_reference.VGGish, random weights), same masks
(time-frequency: time bands of 8 frames, frequency bands of 4 bins, random offsets, each axis kept with
probability sqrt(0.5)), mean replacement, cosine similarity, saliency divided by each cell's mask weight, batch 64,
two threads, eval mode, no_grad; float32, and bfloat16 via CPU autocast. Masks per second counts the masked forward
passes of one explanation (3 batches of 64 = 192 masks, plus the one unmasked embedding, as in the C# suite);
each figure is the median of 7 timed explanations after 2 warm-ups, like the C# job.

    LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=2 \
        /usr/bin/python3 tools/reference/bench_relax.py

(See bench_vggish.py for why OpenBLAS: Debian's torch otherwise sends float32 Linear layers to the reference BLAS.)
"""
import math
import statistics
import sys
import time

import torch

from vggish_reference import VGGish


def bands(count, length, width, keep, gen):
    n_bands = (length + width - 1) // width + 1
    kept = (torch.rand(count, n_bands, generator=gen) < keep).float()
    offset = torch.randint(0, width, (count, 1), generator=gen)
    index = torch.div(torch.arange(length).unsqueeze(0) + offset, width, rounding_mode="floor")
    return kept.gather(1, index)


def time_frequency_masks(count, height=96, width=64, p=0.5, gen=None):
    keep = math.sqrt(p)
    return bands(count, height, 8, keep, gen).unsqueeze(2) * bands(count, width, 4, keep, gen).unsqueeze(1)


def relax(model, x, n_masks, batch, autocast_bf16, seed=0, masks=None):
    """x: (96, 64) float32. Returns the saliency map (96, 64). masks: optional (n_masks, 96, 64) tensor to use
    instead of drawing time-frequency masks (to compare with another implementation mask for mask)."""
    gen = torch.Generator().manual_seed(seed)

    def embed(batch):
        # Only the network runs under autocast: einsum is on autocast's lower-precision list, and accumulating
        # similarities ~1 in bfloat16 (8-bit mantissa) would wipe out the map, whose range is ~1e-4 here.
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast_bf16):
            return model(batch).float()

    with torch.no_grad():
        x4 = x.view(1, 1, *x.shape)
        replacement = x.mean()
        h = embed(x4)
        weighted = torch.zeros_like(x)
        weight = torch.zeros_like(x)
        done = 0
        while done < n_masks:
            count = min(batch, n_masks - done)
            m = time_frequency_masks(count, *x.shape, gen=gen) if masks is None else masks[done:done + count]
            masked = replacement + (x - replacement) * m.unsqueeze(1)
            e = embed(masked)
            s = torch.nn.functional.cosine_similarity(e, h, dim=1)
            weighted += torch.einsum("n,nhw->hw", s, m)
            weight += m.sum(0)
            done += count
        return weighted / weight.clamp_min(1e-12)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    batch = 64
    n_masks = 3 * batch
    torch.set_num_threads(threads)
    blas = [line.strip() for line in open("/proc/self/maps") if "blas" in line.lower()]
    print("torch %s, threads %d, batch %d, %d masks per explanation, BLAS %s" % (
        torch.__version__, torch.get_num_threads(), batch, n_masks, blas[0].split()[-1] if blas else "?"))
    torch.manual_seed(1)
    model = VGGish().eval()
    x = torch.randn(96, 64, generator=torch.Generator().manual_seed(1))
    print("%-22s %10s %10s" % ("mode", "s/expl", "masks/s"))
    for name, bf16 in (("float32", False), ("bfloat16 autocast", True)):
        for _ in range(2):
            relax(model, x, n_masks, batch, bf16)
        times = []
        for _ in range(7):
            start = time.perf_counter()
            relax(model, x, n_masks, batch, bf16)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print("%-22s %10.3f %10.1f" % (name, median, n_masks / median))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
