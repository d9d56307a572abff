#!/usr/bin/python3
"""Independent PyTorch reference for Relax's LRP (src/Relax.Evaluation/Attribution/Lrp), float64.

Run from the repository root with Debian's python3-torch (apt-get install python3-torch):
    /usr/bin/python3 tools/reference/lrp_reference.py
Writes tests/Relax.Evaluation.Tests/Fixtures/lrp_reference.json.

The network is a small "VGGish-pattern" one with random weights (seed 20261130: first the input, randn·1.5 − 1,
then He-normal weights and N(0, 0.1²) biases, redrawn until at least 4 of the 8 embedding units are positive with
and without biases; the fixture says how many draws that took): input (1, 1, 16, 12) → conv 1→4 3×3 pad 1, ReLU, max-pool 2×2 → conv 4→6 3×3 pad 1, ReLU,
max-pool 2×2 → flatten channels-last (row, column, channel; 72 values) → linear 72→16, ReLU → linear 16→8, ReLU
(the embedding e) → linear 8→3 (the head's logits). Every parameter is stored in PyTorch layout (conv weight
(out, in, kh, kw), linear weight (out, in)) as a flat C-order list with its shape.

The rules are Zennit's EpsilonGammaBox composite (Montavon et al. 2019), with stab(z, e) = z + e·(sign(z) + [z = 0]):
  - linear layers (fc1, fc2, head, target projection): LRP-ε, s = R / stab(a Wᵀ + b, ε), R_a = a · (s W);
  - convolutions after the first: LRP-γ, w' = w + γ w⁺, b' = b + γ b⁺, s = R / stab(conv(a, w', b'), stabilizer),
    R_a = a · convT(s, w');
  - the first convolution: z^B with l = min x, h = max x and no bias,
    z = conv(x, w) − conv(l, w⁺) − conv(h, w⁻), s = R / stab(z, stabilizer),
    R_x = x·convT(s, w) − l·convT(s, w⁺) − h·convT(s, w⁻)  (case "lrp0": the γ rule with γ = 0 instead);
  - ReLU passes relevance unchanged; max-pool gives each window's relevance to the position max_pool2d picks;
    the channels-last flatten is undone.
Every backward step uses the autograd trick (z from the layer with modified parameters on a detached input that
requires grad, c = ∂(z · s.detach()).sum()/∂a), not hand-written index arithmetic.

Targets: "logit" starts with R = one-hot(k) · logit_k at the head's output (k the predicted class) and passes the
head with LRP-ε; "projection" explains f = e · u with u = e / ‖e‖ (a Linear 8→1 without bias, itself an ε layer).

Cases: "logit" and "projection" (biases on, ε = γ = 0.25, stabilizer 1e-6); "conservation" (every bias zeroed,
ε = 1e-9, γ = 0.25, stabilizer 1e-12: Σ R_x = f to 1e-9 of f, asserted); "lrp0" (biases zeroed, ε = 1e-12, γ = 0,
stabilizer 1e-12, the γ rule at the first layer too: equal to gradient × input to 1e-9 of its largest value, asserted;
gradient × input is stored too). Each case records its ε, γ, stabilizer, target, explained value f, class (logit),
the relevance at the input (16·12 values, C order) and its sum.
"""
import json
import math
import os
import re

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "..", "..", "tests", "Relax.Evaluation.Tests", "Fixtures", "lrp_reference.json")

SHAPES = {
    "conv1.weight": (4, 1, 3, 3), "conv1.bias": (4,),
    "conv2.weight": (6, 4, 3, 3), "conv2.bias": (6,),
    "fc1.weight": (16, 72), "fc1.bias": (16,),
    "fc2.weight": (8, 16), "fc2.bias": (8,),
    "head.weight": (3, 8), "head.bias": (3,),
}

torch.manual_seed(20261130)
x = torch.randn(1, 1, 16, 12) * 1.5 - 1.0


def draw_parameters():
    p = {}
    for name, shape in SHAPES.items():
        if name.endswith("weight"):
            fan_in = int(np.prod(shape[1:]))
            p[name] = torch.randn(*shape) * math.sqrt(2.0 / fan_in)
        else:
            p[name] = torch.randn(*shape) * 0.1
    return p, {k: (torch.zeros_like(v) if k.endswith("bias") else v) for k, v in p.items()}


def flatten_channels_last(a):
    return a.permute(0, 2, 3, 1).reshape(1, -1)


def forward(p, inp):
    """Every layer's input, keyed by the layer, plus the embedding and the logits."""
    acts = {"conv1": inp}
    h = F.relu(F.conv2d(inp, p["conv1.weight"], p["conv1.bias"], padding=1))
    acts["pool1"] = h
    h = F.max_pool2d(h, 2, 2)
    acts["conv2"] = h
    h = F.relu(F.conv2d(h, p["conv2.weight"], p["conv2.bias"], padding=1))
    acts["pool2"] = h
    h = F.max_pool2d(h, 2, 2)
    acts["flatten"] = h
    h = flatten_channels_last(h)
    acts["fc1"] = h
    h = F.relu(F.linear(h, p["fc1.weight"], p["fc1.bias"]))
    acts["fc2"] = h
    e = F.relu(F.linear(h, p["fc2.weight"], p["fc2.bias"]))
    acts["head"] = e
    return acts, e, F.linear(e, p["head.weight"], p["head.bias"])


def stab(z, e):
    return z + e * (torch.sign(z) + (z == 0).to(z.dtype))


def through(layer, a, s):
    """c = ∂(layer(a) · s).sum()/∂a, with s held constant."""
    a = a.detach().requires_grad_(True)
    return torch.autograd.grad((layer(a) * s.detach()).sum(), a)[0]


def lrp_linear(a, w, b, r, eps):
    z = F.linear(a, w, b)
    s = r / stab(z, eps)
    return a * through(lambda t: F.linear(t, w, b), a, s), z


def lrp_gamma(a, w, b, r, gamma, stabilizer):
    wg = w + gamma * w.clamp(min=0)
    bg = None if b is None else b + gamma * b.clamp(min=0)
    z = F.conv2d(a, wg, bg, padding=1)
    s = r / stab(z, stabilizer)
    return a * through(lambda t: F.conv2d(t, wg, bg, padding=1), a, s), z


def lrp_zbox(a, w, r, stabilizer):
    low, high = torch.full_like(a, a.min().item()), torch.full_like(a, a.max().item())
    wp, wn = w.clamp(min=0), w.clamp(max=0)
    a_, l_, h_ = (t.detach().requires_grad_(True) for t in (a, low, high))
    z = F.conv2d(a_, w, padding=1) - F.conv2d(l_, wp, padding=1) - F.conv2d(h_, wn, padding=1)
    s = (r / stab(z.detach(), stabilizer)).detach()
    ca, cl, ch = torch.autograd.grad((z * s).sum(), (a_, l_, h_))
    return a * ca + low * cl + high * ch, z.detach()


def route(layer, a, r):
    """Max-pool and flatten: each output's relevance to the input position the layer took it from."""
    return through(layer, a, r)


def explain(p, target, eps, gamma, stabilizer, first_layer):
    acts, e, logits = forward(p, x)
    denominators = {}
    if target == "logit":
        k = int(logits.argmax())
        f = float(logits[0, k])
        r = torch.zeros_like(logits)
        r[0, k] = logits[0, k]
        r, z = lrp_linear(acts["head"], p["head.weight"], p["head.bias"], r, eps)
        denominators["head"] = z
    else:
        k = None
        u = (e / e.norm()).detach()
        f = float(F.linear(e, u))
        r = torch.full((1, 1), f)
        r, z = lrp_linear(e, u, None, r, eps)
        denominators["projection"] = z
    r_head = r
    r, denominators["fc2"] = lrp_linear(acts["fc2"], p["fc2.weight"], p["fc2.bias"], r, eps)
    r, denominators["fc1"] = lrp_linear(acts["fc1"], p["fc1.weight"], p["fc1.bias"], r, eps)
    r = route(flatten_channels_last, acts["flatten"], r)
    r = route(lambda t: F.max_pool2d(t, 2, 2), acts["pool2"], r)
    r, denominators["conv2"] = lrp_gamma(acts["conv2"], p["conv2.weight"], p["conv2.bias"], r, gamma, stabilizer)
    r = route(lambda t: F.max_pool2d(t, 2, 2), acts["pool1"], r)
    if first_layer == "zbox":
        r, denominators["conv1"] = lrp_zbox(x, p["conv1.weight"], r, stabilizer)
    else:
        r, denominators["conv1"] = lrp_gamma(x, p["conv1.weight"], p["conv1.bias"], r, gamma, stabilizer)
    return r, f, k, denominators, r_head


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


# Redraw (same generator, so still deterministic) until at least half the embedding units are positive, with
# biases and without: the first draw of this seed leaves only 2 of 8 alive.
MIN_ALIVE = 4
for draws in range(1, 100):
    params, zeroed = draw_parameters()
    alive = int((forward(params, x)[1] > 0).sum())
    alive_zeroed = int((forward(zeroed, x)[1] > 0).sum())
    if min(alive, alive_zeroed) >= MIN_ALIVE:
        break
    print(f"note: parameter draw {draws} leaves {alive} (bias-free: {alive_zeroed}) of 8 embedding units positive; redrawing")
assert min(alive, alive_zeroed) >= MIN_ALIVE
print(f"note: draw {draws}: {alive} of 8 embedding units positive ({alive_zeroed} without biases)")

acts, e, logits = forward(params, x)
print(f"embedding e = {flat(e)}")
print(f"logits = {flat(logits)}")
for layer in ("pool1", "pool2", "fc2", "head"):
    a = acts[layer]
    print(f"  positive units at the input of {layer}: {int((a > 0).sum())} of {a.numel()}")

cases = [
    dict(name="logit", target="logit", epsilon=0.25, gamma=0.25, stabilizer=1e-6, biases="on", first_layer="zbox"),
    dict(name="projection", target="projection", epsilon=0.25, gamma=0.25, stabilizer=1e-6, biases="on",
         first_layer="zbox"),
    # The γ and z^B denominators' stabilizer leaks relevance too (with Zennit's 1e-6, |Σ R_x − f| ≈ 1.5e-6 here,
    # 1e-7 of f), so the two exact cases set it to 1e-12 like ε.
    dict(name="conservation", target="projection", epsilon=1e-9, gamma=0.25, stabilizer=1e-12, biases="zeroed",
         first_layer="zbox"),
    dict(name="lrp0", target="projection", epsilon=1e-12, gamma=0.0, stabilizer=1e-12, biases="zeroed",
         first_layer="lrp0"),
]
results = []
for case in cases:
    p = params if case["biases"] == "on" else zeroed
    r, f, k, dens, _ = explain(p, case["target"], case["epsilon"], case["gamma"], case["stabilizer"],
                               case["first_layer"])
    smallest = {name: float(z.abs().min()) for name, z in dens.items()}
    zeros = {name: int((z == 0).sum()) for name, z in dens.items() if int((z == 0).sum())}
    total = float(r.sum())
    print(f"{case['name']}: f = {f!r}, sum R_x = {total!r}, class = {k}, smallest |z| per layer = {smallest}"
          + (f", exact zeros in z: {zeros}" if zeros else ""))
    out = dict(case, output=f)
    if k is not None:
        out["class"] = k
    out["relevance"] = flat(r)
    out["relevance_sum"] = total
    if case["name"] == "conservation":
        print(f"  conservation: |sum R_x − f| = {abs(total - f):.3e}, relative {abs(total - f) / abs(f):.3e}")
        assert abs(total - f) <= 1e-9 * abs(f), (total, f)
    if case["name"] == "lrp0":
        xg = x.detach().requires_grad_(True)
        e0 = forward(p, xg)[1]
        u = (e0 / e0.norm()).detach()
        (g,) = torch.autograd.grad(F.linear(e0, u).sum(), xg)
        gxi = (g * x).detach()
        diff = float((r - gxi).abs().max())
        print(f"  LRP-0 vs gradient × input: max |difference| = {diff:.3e}, max |g×x| = {float(gxi.abs().max()):.3e}")
        assert diff <= 1e-9 * float(gxi.abs().max()), diff
        out["gradient_times_input"] = flat(gxi)
    results.append(out)

fixture = {
    "description": "LRP (EpsilonGammaBox) reference from tools/reference/lrp_reference.py; float64; see its docstring.",
    "torch": torch.__version__,
    "seed": 20261130,
    "parameter_draws": draws,
    "flatten": "channels-last: x.permute(0, 2, 3, 1).reshape(1, -1) (row, column, channel)",
    "input": {"shape": list(x.shape), "values": flat(x)},
    "low": float(x.min()),
    "high": float(x.max()),
    "parameters": {name: {"shape": list(t.shape), "values": flat(t)} for name, t in params.items()},
    "embedding": flat(e),
    "logits": flat(logits),
    "cases": results,
}
# Indented, but each list of numbers on one line.
text = re.sub(r"\[[-0-9.eE,\s]*\]", lambda m: "[" + ", ".join(m.group(0)[1:-1].split()).replace(",,", ",") + "]",
              json.dumps(fixture, indent=1))
assert json.loads(text) == fixture
with open(OUTPUT, "w") as fh:
    fh.write(text + "\n")
print(f"wrote {os.path.normpath(OUTPUT)} ({os.path.getsize(OUTPUT)} bytes)")
