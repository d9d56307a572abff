#!/usr/bin/python3
"""Two tiny ONNX graphs that Relax.Models.Onnx must refuse at load, each in one line, with their cards:

    /usr/bin/python3 tools/reference/onnx_refusals.py

  refused-fixed-batch.onnx   (2, 1600) -> (2, 4): exported without a dynamic batch axis (the batch is fixed at 2)
  refused-int-output.onnx    (N, 1600) -> (N, 4) float and (N,) int64 (an argmax); its card takes output 1
Both read waveforms of 1 600 samples at 16 kHz (a linear projection with fixed weights).
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'tools', 'reference', 'models')


class Projection(nn.Module):
    def __init__(self, with_index):
        super().__init__()
        self.linear = nn.Linear(1600, 4)
        self.with_index = with_index

    def forward(self, x):
        y = self.linear(x)
        return (y, torch.argmax(y, dim=1)) if self.with_index else y


def card(name, index):
    return {"name": name, "input": {"kind": "waveform", "layout": "N,S", "sampleRate": 16000, "samplesPerExample": 1600},
            "output": {"index": index, "reduce": "none"}}


def main():
    torch.manual_seed(5)
    x = torch.zeros(2, 1600)
    fixed = Projection(False).eval()
    torch.onnx.export(fixed, x, os.path.join(OUT, 'refused-fixed-batch.onnx'), input_names=['samples'], output_names=['embedding'], opset_version=13)
    indexed = Projection(True).eval()
    torch.onnx.export(indexed, x, os.path.join(OUT, 'refused-int-output.onnx'), input_names=['samples'], output_names=['embedding', 'index'],
                      dynamic_axes={'samples': {0: 'batch'}, 'embedding': {0: 'batch'}, 'index': {0: 'batch'}}, opset_version=13)
    for name, index in (('refused-fixed-batch', 0), ('refused-int-output', 1)):
        with open(os.path.join(OUT, name + '.json'), 'w') as f:
            json.dump(card(name, index), f, indent=2)
            f.write('\n')


if __name__ == '__main__':
    main()
