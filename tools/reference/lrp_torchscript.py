#!/usr/bin/python3
"""The LRP reference network (tests/Relax.Evaluation.Tests/Fixtures/lrp_reference.json, written by lrp_reference.py)
as a TorchScript module with a model card, so that the tests can check that LRP of a scripted VGG-pattern network
(its layers rebuilt by Relax.Models.TorchScript) equals the reference's relevance maps.

    /usr/bin/python3 tools/reference/lrp_torchscript.py

Writes tools/reference/models/lrp-net.pt (float32, nn.Sequential `features` and `embeddings` as torchvggish names them:
conv 1->4, ReLU, max-pool, conv 4->6, ReLU, max-pool | channels-last flatten | linear 72->16, ReLU, linear 16->8, ReLU)
and lrp-net.json (log-mel input (N, 1, 16, 12): the analysis values are a valid card's, not used by the test).
"""
import json
import os

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                                      nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.embeddings = nn.Sequential(nn.Linear(72, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU())

    def forward(self, x):
        x = self.features(x).permute(0, 2, 3, 1).contiguous()
        return self.embeddings(x.view(x.size(0), -1))


def main():
    reference = json.load(open(os.path.join(ROOT, 'tests', 'Relax.Evaluation.Tests', 'Fixtures', 'lrp_reference.json')))
    parameters = reference['parameters']
    net = Net()
    names = {'features.0': 'conv1', 'features.3': 'conv2', 'embeddings.0': 'fc1', 'embeddings.2': 'fc2'}
    with torch.no_grad():
        for name, p in net.named_parameters():
            module, kind = name.rsplit('.', 1)
            stored = parameters[names[module] + '.' + kind]
            p.copy_(torch.tensor(stored['values'], dtype=torch.float64).reshape(stored['shape']).float())
    net.eval()
    scripted = torch.jit.script(net)
    out = os.path.join(ROOT, 'tools', 'reference', 'models')
    scripted.save(os.path.join(out, 'lrp-net.pt'))
    card = {
        "name": "lrp-net",
        "input": {"kind": "log-mel", "layout": "N,1,T,F", "sampleRate": 16000, "windowSamples": 400, "hopSamples": 160,
                  "fftSize": 512, "melBands": 12, "fminHz": 125, "fmaxHz": 7500, "logOffset": 0.01, "framesPerExample": 16},
        "output": {"index": 0, "reduce": "none"},
    }
    with open(os.path.join(out, 'lrp-net.json'), 'w') as f:
        json.dump(card, f, indent=2)
        f.write('\n')
    x = torch.tensor(reference['input']['values'], dtype=torch.float64).reshape(reference['input']['shape']).float()
    print('embedding', scripted(x).detach().double().numpy().round(6), 'reference', reference['embedding'])


if __name__ == '__main__':
    main()
