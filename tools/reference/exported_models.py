#!/usr/bin/python3
"""Reference models for Relax.Models.TorchScript and Relax.Models.Onnx (issue 25 fixtures).

Writes small networks with fixed seeds as TorchScript (.pt) and ONNX (.onnx), each with its model card (.json), and
their embeddings of fixed inputs, under tools/reference/models:

  logmel-cnn     a log-mel CNN: input (N, 1, T, F) = (N, 1, 96, 64); two outputs, "summary" (N, 8) and
                 "frames" (N, 24, 16); its card takes "frames" and averages it over time.
  logmel-tf      the same weights behind input layout (N, F, T); one output (N, 24, 16); its card takes token 0.
  default-model  the shipped default model's embedding network (src/Relax.Synthetic/DefaultModel/
                 synthetic-animals-compact.safetensors, VGGish's layer pattern with compact widths), (N, 1, 96, 64) ->
                 (N, 128); its card is VGGish's input with the one output as it is.

  wave-encoder   a 1-D convolutional waveform encoder: input (N, S) = (N, 16000), one second at 16 kHz; output
                 (N, T, D) = (N, 124, 12); its card averages over T.
  wave-planted   a waveform model with planted evidence: input (N, 1, S) = (N, 1, 48000), three seconds at 16 kHz;
                 its embedding (N, 2) is (1, 8 * the mean power of the 1-2 kHz band in second 1 to 2), the band
                 taken by a fixed windowed-sinc band-pass filter. RELAX over the STFT cells must find that band and
                 second.

Inputs: logmel-inputs.npy (5, 96, 64) float32 from a fixed seed. Expected embeddings: <model>-embeddings.npy (5, D),
computed by PyTorch in float32 from the same module that was exported (after the card's reduction).

Run with Debian's python3-torch (1.13):  /usr/bin/python3 tools/reference/exported_models.py
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")

VGGISH_LOG_MEL = {
    "kind": "log-mel",
    "sampleRate": 16000,
    "windowSamples": 400,
    "hopSamples": 160,
    "fftSize": 512,
    "melBands": 64,
    "fminHz": 125,
    "fmaxHz": 7500,
    "logOffset": 0.01,
    "framesPerExample": 96,
    "exampleHopFrames": 96,
}


class LogMelCnn(nn.Module):
    """(N, 1, 96, 64) -> ("summary" (N, 8), "frames" (N, 24, 16))."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.project = nn.Linear(16, 16)
        self.summary = nn.Linear(16, 8)

    def forward(self, x):
        h = self.pool(torch.relu(self.conv1(x)))           # (N, 8, 48, 32)
        h = self.pool(torch.relu(self.conv2(h)))           # (N, 16, 24, 16)
        frames = torch.tanh(self.project(h.mean(dim=3).transpose(1, 2)))  # (N, 24, 16): time, features
        return self.summary(frames.mean(dim=1)), frames


class TimeLast(nn.Module):
    """The same network behind input (N, F, T) and one output, (N, T, D)."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x.transpose(1, 2).unsqueeze(1))[1]


class CompactVGGish(nn.Module):
    """VGGish's layers with the default model's widths; state-dict keys as torchvggish's (features.*, embeddings.*)."""

    def __init__(self, widths, hidden, size):
        super().__init__()
        layers, c = [], 1
        for v in widths:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(True)]
                c = v
        self.features = nn.Sequential(*layers)
        self.embeddings = nn.Sequential(nn.Linear(c * 4 * 6, hidden), nn.ReLU(True), nn.Linear(hidden, hidden), nn.ReLU(True),
                                        nn.Linear(hidden, size), nn.ReLU(True))

    def forward(self, x):
        x = self.features(x)
        x = x.permute(0, 2, 3, 1).contiguous()  # channels-last, as torchvggish flattens
        return self.embeddings(x.view(x.size(0), -1))


def read_safetensors(path):
    """The tensors of a safetensors file (F32 only), read by hand: Debian has no safetensors package."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", entry
        begin, end = entry["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").copy()).reshape(entry["shape"])
    return tensors


def default_model():
    tensors = read_safetensors(os.path.join(HERE, "..", "..", "src", "Relax.Synthetic", "DefaultModel", "synthetic-animals-compact.safetensors"))
    state = {k[len("network."):]: v for k, v in tensors.items() if k.startswith("network.")}
    model = CompactVGGish([16, "M", 32, "M", 64, 64, "M", 128, 128, "M"], 256, 128)
    model.load_state_dict(state)
    return model.eval()


class WaveEncoder(nn.Module):
    """(N, S) -> (N, T, 12)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(1, 8, 64, stride=32)
        self.conv2 = nn.Conv1d(8, 16, 8, stride=4)
        self.project = nn.Linear(16, 12)

    def forward(self, x):
        h = torch.relu(self.conv1(x.unsqueeze(1)))
        h = torch.relu(self.conv2(h))                      # (N, 16, T)
        return torch.tanh(self.project(h.transpose(1, 2)))


class PlantedBand(nn.Module):
    """(N, 1, 48000) -> (N, 2) = (1, 8 * mean power of the 1-2 kHz band over samples 16000..32000)."""

    def __init__(self, rate=16000, taps=255, low=1000.0, high=2000.0):
        super().__init__()
        n = np.arange(taps) - (taps - 1) / 2
        sinc = lambda f: 2 * f / rate * np.sinc(2 * f / rate * n)
        kernel = (sinc(high) - sinc(low)) * np.hamming(taps)
        self.register_buffer("kernel", torch.tensor(kernel, dtype=torch.float32).view(1, 1, taps))
        self.pad = taps // 2

    def forward(self, x):
        y = torch.nn.functional.conv1d(x, self.kernel, padding=self.pad)  # (N, 1, S)
        power = (y[:, 0, 16000:32000] ** 2).mean(dim=1, keepdim=True)
        return torch.cat([torch.ones_like(power), 8 * power], dim=1)


def export(module, name, example, input_name, output_names, card):
    module.eval()
    torch.jit.trace(module, example).save(os.path.join(OUT, name + ".pt"))
    dynamic = {input_name: {0: "batch"}}
    dynamic.update({o: {0: "batch"} for o in output_names})
    torch.onnx.export(module, example, os.path.join(OUT, name + ".onnx"), input_names=[input_name],
                      output_names=output_names, dynamic_axes=dynamic, opset_version=13)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(25)
    cnn = LogMelCnn().eval()
    inputs = torch.randn(5, 96, 64, generator=torch.Generator().manual_seed(2025)) * 2 - 3
    np.save(os.path.join(OUT, "logmel-inputs.npy"), inputs.numpy().astype(np.float32))

    with torch.no_grad():
        card = {"name": "logmel-cnn", "input": dict(VGGISH_LOG_MEL, layout="N,1,T,F"),
                "output": {"name": "frames", "index": 1, "reduce": "mean"}}
        export(cnn, "logmel-cnn", inputs[:2].unsqueeze(1), "logmel", ["summary", "frames"], card)
        np.save(os.path.join(OUT, "logmel-cnn-embeddings.npy"), cnn(inputs.unsqueeze(1))[1].mean(dim=1).numpy())

        tf = TimeLast(cnn).eval()
        card = {"name": "logmel-tf", "input": dict(VGGISH_LOG_MEL, layout="N,F,T"),
                "output": {"index": 0, "reduce": "token:0"}}
        export(tf, "logmel-tf", inputs[:2].transpose(1, 2).contiguous(), "spectrogram", ["frames"], card)
        np.save(os.path.join(OUT, "logmel-tf-embeddings.npy"), tf(inputs.transpose(1, 2))[:, 0, :].numpy())
        net = default_model()
        card = {"name": "default-model", "input": dict(VGGISH_LOG_MEL, layout="N,1,T,F"), "output": {"index": 0, "reduce": "none"}}
        export(net, "default-model", inputs[:2].unsqueeze(1), "logmel", ["embedding"], card)
        np.save(os.path.join(OUT, "default-model-embeddings.npy"), net(inputs.unsqueeze(1)).numpy())
        waves = torch.randn(3, 16000, generator=torch.Generator().manual_seed(16000)) * 0.3
        np.save(os.path.join(OUT, "wave-inputs.npy"), waves.numpy())
        torch.manual_seed(26)
        encoder = WaveEncoder().eval()
        card = {"name": "wave-encoder", "input": {"kind": "waveform", "layout": "N,S", "sampleRate": 16000, "samplesPerExample": 16000},
                "output": {"index": 0, "reduce": "mean"}}
        export(encoder, "wave-encoder", waves[:2], "waveform", ["frames"], card)
        np.save(os.path.join(OUT, "wave-encoder-embeddings.npy"), encoder(waves).mean(dim=1).numpy())

        planted = PlantedBand().eval()
        card = {"name": "wave-planted", "input": {"kind": "waveform", "layout": "N,1,S", "sampleRate": 16000, "samplesPerExample": 48000},
                "output": {"index": 0, "reduce": "none"}}
        export(planted, "wave-planted", torch.zeros(2, 1, 48000), "waveform", ["embedding"], card)
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)))


if __name__ == "__main__":
    main()
