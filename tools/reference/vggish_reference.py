#!/usr/bin/python3
"""PyTorch reference for Relax.Models.VGGish (parity fixtures).

Builds VGGish with torchvggish's layout and state-dict keys, fills every tensor with deterministic
"formula" weights that the C# tests compute too, embeds formula inputs, and writes the expected outputs
and a few small .pth files (written by torch.save itself) under tests/Relax.Models.VGGish.Tests/Fixtures.

Run with Debian's python3-torch:  /usr/bin/python3 tools/reference/vggish_reference.py
The formulas must stay in sync with tests/Relax.Models.VGGish.Tests/FormulaWeights.cs.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "tests", "Relax.Models.VGGish.Tests", "Fixtures")


class VGGish(nn.Module):
    """Same layers and names as torchvggish.vggish.VGG (features.*, embeddings.*)."""

    def __init__(self, final_relu=True):
        super().__init__()
        layers, c = [], 1
        for v in [64, "M", 128, "M", 256, 256, "M", 512, 512, "M"]:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(True)]
                c = v
        self.features = nn.Sequential(*layers)
        head = [nn.Linear(512 * 4 * 6, 4096), nn.ReLU(True), nn.Linear(4096, 4096), nn.ReLU(True), nn.Linear(4096, 128)]
        if final_relu:
            head.append(nn.ReLU(True))
        self.embeddings = nn.Sequential(*head)

    def forward(self, x):
        x = self.features(x)
        x = x.permute(0, 2, 3, 1).contiguous()  # channels-last as TensorFlow, like torchvggish's two transposes
        return self.embeddings(x.view(x.size(0), -1))


def formula(shape, k, scale):
    """w.flat[i] = frac(sin(12.9898 i + 78.233 k) * 43758.5453) * scale, computed in float64, stored as float32.

    A hash-like sequence in (-1, 1) (frac keeps the sign) that behaves like a random initialisation, so the
    network stays sensitive to its input, yet any language can compute it."""
    n = int(np.prod(shape))
    i = torch.arange(n, dtype=torch.float64)
    return (torch.frac(torch.sin(i * 12.9898 + k * 78.233) * 43758.5453) * scale).to(torch.float32).reshape(shape)


def fill_formula(model):
    """Tensor number k (in state-dict order): weights scaled by sqrt(3 / fan_in), biases by 0.1."""
    with torch.no_grad():
        for k, (name, p) in enumerate(model.state_dict().items()):
            if name.endswith("weight"):
                fan_in = int(np.prod(p.shape[1:]))
                p.copy_(formula(p.shape, k, math.sqrt(3.0 / fan_in)))
            else:
                p.copy_(formula(p.shape, k, 0.1))


def formula_inputs(batch):
    """x[b, 0, t, f] = 3 sin(0.013 (64 t + f)(b + 1)) + 0.5 cos(0.2 t + b), float64 then float32."""
    b = torch.arange(batch, dtype=torch.float64).reshape(-1, 1, 1)
    t = torch.arange(96, dtype=torch.float64).reshape(1, -1, 1)
    f = torch.arange(64, dtype=torch.float64).reshape(1, 1, -1)
    x = 3 * torch.sin(0.013 * (64 * t + f) * (b + 1)) + 0.5 * torch.cos(0.2 * t + b)
    return x.to(torch.float32).unsqueeze(1)


def formula_pca():
    eigen = formula((128, 128), 0.5, 1.0 / math.sqrt(128))
    means = formula((128,), 1.5, 0.5)
    return eigen, means


def postprocess(emb, eigen, means):
    """torchvggish's Postprocessor.postprocess."""
    pca = torch.mm(eigen, (emb.T - means.reshape(-1, 1))).T
    clipped = torch.clamp(pca, -2.0, 2.0)
    return torch.round((clipped + 2.0) * (255.0 / 4.0))


def save_npy(name, tensor):
    np.save(os.path.join(FIXTURES, name), np.ascontiguousarray(tensor.detach().numpy(), dtype=np.float32))


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    torch.set_num_threads(2)
    x = formula_inputs(3)
    with torch.no_grad():
        for final_relu, name in [(True, "parity_embeddings_relu.npy"), (False, "parity_embeddings_norelu.npy")]:
            model = VGGish(final_relu).eval()
            fill_formula(model)
            y = model(x)
            save_npy(name, y)
            print(name, tuple(y.shape), "min %.4f max %.4f mean %.4f zeros %d" % (y.min(), y.max(), y.mean(), int((y == 0).sum())))
            if not final_relu:
                eigen, means = formula_pca()
                q = postprocess(y, eigen, means)
                save_npy("parity_postprocessed.npy", q)
                print("postprocessed min %d max %d distinct %d" % (q.min(), q.max(), len(torch.unique(q))))
        print("keys:", list(model.state_dict().keys()))

    # Small files written by torch.save itself, for the C# loader tests.
    eigen, means = formula_pca()
    torch.save({"pca_eigen_vectors": eigen, "pca_means": means}, os.path.join(FIXTURES, "pca_params_formula.pth"))
    np.savez(os.path.join(FIXTURES, "pca_params_formula.npz"), pca_eigen_vectors=eigen.numpy().astype(np.float64), pca_means=means.numpy().astype(np.float64))
    partial = {
        "features.0.weight": formula((64, 1, 3, 3), 0, 2.0 / 3.0),
        "features.0.bias": formula((64,), 1, 0.01),
        "embeddings.4.weight": formula((128, 100), 2, 0.1),  # wrong shape on purpose
        "extra.weight": formula((2, 2), 3, 1.0),              # not a VGGish key
    }
    torch.save(partial, os.path.join(FIXTURES, "partial_state_dict.pth"))
    # PCA parameters as NumPy arrays (as TensorFlow's vggish_pca_params.npz holds them) in the legacy format, and a
    # tiny zip-format file with NumPy arrays (float32, float64, Fortran order), which TorchSharp.PyBridge cannot read.
    torch.save({"pca_eigen_vectors": eigen.numpy(), "pca_means": means.numpy().astype(np.float64)},
               os.path.join(FIXTURES, "pca_params_numpy_legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save({"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)),
                "t": formula((2,), 9, 1.0)}, os.path.join(FIXTURES, "numpy_zip.pth"))
    # The legacy (before PyTorch 1.6) format, as older checkpoints such as torchvggish's may use: a module's
    # state dict (an OrderedDict with _metadata), a Parameter, a view into a shared storage, a transposed tensor,
    # float64 and int64.
    linear = nn.Linear(3, 2)
    with torch.no_grad():
        linear.weight.copy_(formula((2, 3), 5, 1.0))
        linear.bias.copy_(formula((2,), 6, 1.0))
    legacy = linear.state_dict()
    legacy["parameter"] = nn.Parameter(formula((2,), 6, 1.0))
    base = formula((10,), 4, 1.0)
    legacy["base"] = base
    legacy["view"] = base[2:6]
    legacy["transposed"] = formula((3, 4), 7, 1.0).t()
    legacy["double"] = formula((5,), 8, 1.0).double()
    legacy["long"] = torch.arange(6).reshape(2, 3)
    torch.save(legacy, os.path.join(FIXTURES, "legacy_state_dict.pth"), _use_new_zipfile_serialization=False)
    print("torch", torch.__version__, "fixtures in", os.path.normpath(FIXTURES))


if __name__ == "__main__":
    sys.exit(main())
