#!/usr/bin/python3
"""The PyTorch side of issue 23's device check: RELAX on VGGish as a user writes it in PyTorch on a GPU, to compare
with Relax for .NET on the same machine in the same run (benchmarks/scripts/gpu.sh runs both).

The loop: time-frequency masks drawn on the GPU with torch's generator (time bands of 8 frames, frequency bands of 4
bins, random offsets, each axis kept with probability sqrt(0.5)), mean replacement, a forward pass of VGGish
(torchvggish layout, random weights), cosine similarity to the unmasked embedding, and the sums Σ s·M, Σ s²·M and Σ M
kept on the device; cudnn.benchmark on, no host synchronisation inside the loop. bfloat16 runs the network's weights and
activations in bfloat16 (as Relax's --dtype bfloat16 does); similarities and sums stay float32. Masks per second count
N masked forward passes plus the unmasked one, timed from the first mask to the maps on the host, after a warm-up.

    /usr/bin/python3 tools/reference/relax_gpu.py [N] [batches, e.g. 256,1024,4096] [dtypes, e.g. float32,bfloat16]

Prints `RESULT pytorch DTYPE BATCH MASKS_PER_S`. Without CUDA it runs on the CPU (a dry run of the script).
"""
import math
import sys
import time

import torch

from vggish_reference import VGGish


def bands(count, length, width, keep, gen, device):
    n_bands = (length + width - 1) // width + 1
    kept = (torch.rand(count, n_bands, generator=gen, device=device) < keep).float()
    offset = torch.randint(0, width, (count, 1), generator=gen, device=device)
    index = torch.div(torch.arange(length, device=device).unsqueeze(0) + offset, width, rounding_mode="floor")
    return kept.gather(1, index)


def relax(model, x, n_masks, batch, dtype, gen):
    device = x.device
    keep = math.sqrt(0.5)
    with torch.no_grad():
        replacement = x.mean()
        h = model(x.view(1, 1, *x.shape).to(dtype)).float()
        weighted = torch.zeros_like(x)
        squared = torch.zeros_like(x)
        weight = torch.zeros_like(x)
        done = 0
        while done < n_masks:
            count = min(batch, n_masks - done)
            m = bands(count, x.shape[0], 8, keep, gen, device).unsqueeze(2) * bands(count, x.shape[1], 4, keep, gen, device).unsqueeze(1)
            masked = replacement + (x - replacement) * m.unsqueeze(1)
            e = model(masked.to(dtype)).float()
            s = torch.nn.functional.cosine_similarity(e, h, dim=1)
            flat = m.view(count, -1)
            weighted += (s @ flat).view_as(x)
            squared += ((s * s) @ flat).view_as(x)
            weight += flat.sum(0).view_as(x)
            done += count
        saliency = weighted / weight.clamp_min(1e-12)
        return saliency.cpu(), (squared / weight.clamp_min(1e-12) - saliency.to(device) ** 2).cpu()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40960
    batches = [int(b) for b in (sys.argv[2] if len(sys.argv) > 2 else "256,1024,4096").split(",")]
    dtypes = (sys.argv[3] if len(sys.argv) > 3 else "float32,bfloat16").split(",")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cudnn.benchmark = True
    name = torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"
    print("torch %s on %s; cuDNN TF32 %s" % (torch.__version__, name, torch.backends.cudnn.allow_tf32))
    torch.manual_seed(1)
    x = torch.randn(96, 64, generator=torch.Generator().manual_seed(1)).to(device)
    for dtype_name in dtypes:
        dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16}[dtype_name]
        model = VGGish().eval().to(device).to(dtype)
        for batch in batches:
            gen = torch.Generator(device=device).manual_seed(1)
            relax(model, x, 2 * batch, batch, dtype, gen)  # warm-up (and cuDNN's algorithm search)
            start = time.perf_counter()
            relax(model, x, n, batch, dtype, gen)
            seconds = time.perf_counter() - start
            print("RESULT pytorch %s %d %.0f" % (dtype_name, batch, n / seconds))
            sys.stdout.flush()
        del model
        if device.type == "cuda":
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
