#!/usr/bin/env python3
"""PyTorch CPU counterpart of bench/inspect.js' filter-pattern timing: Chollet's 2nd-edition
cats-vs-dogs convnet (examples/keras/cats_vs_dogs_augmented.py: 180x180x3 raw pixels,
Rescaling(1/255), conv32-pool-conv64-pool-conv128-...) up to a middle conv layer (conv2d_2,
41x41x128), random weights, and the same procedure as src/core/viz/inspect/filters.ts: per
filter, one image of grey plus noise (uniform*20 + 128, 0-255 units), N steps of gradient
ascent on the filter's mean activation with the gradient divided by (RMS + 1e-5), step 1,
then deprocessed (centre, 0.1 std, + 0.5, clip). Only the input needs a gradient (the weights
do not require one). Prints one JSON line: seconds for all filters.

Usage: python3 bench/torch_filters.py [--filters 16] [--steps 40] [--threads N|default]
"""
import argparse
import json
import time

import torch
from torch import nn


class UpToConv2d2(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3), nn.ReLU(),
        )

    def forward(self, x):
        return self.body(x / 255.0)  # the model's Rescaling(1/255) on 0-255 pixels


def pattern(net, index, steps, generator):
    x = (torch.rand(1, 3, 180, 180, generator=generator) * 20 + 128).requires_grad_(True)
    for _ in range(steps):
        loss = net(x)[:, index].mean()
        (grad,) = torch.autograd.grad(loss, x)
        with torch.no_grad():
            x += grad / (grad.square().mean().sqrt() + 1e-5)
    with torch.no_grad():
        activation = net(x)[:, index].mean().item()
        y = ((x - x.mean()) / (x.std(unbiased=False) + 1e-5) * 0.1 + 0.5).clamp(0, 1) * 255
    return activation, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--filters", type=int, default=16)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--threads", default="default")
    a = ap.parse_args()
    if a.threads != "default":
        torch.set_num_threads(int(a.threads))
    torch.manual_seed(1)
    net = UpToConv2d2().eval()
    for p in net.parameters():
        p.requires_grad_(False)
    generator = torch.Generator().manual_seed(1)
    pattern(net, 0, 2, generator)  # warm-up: kernels chosen, memory allocated
    t = time.perf_counter()
    activations = [pattern(net, i, a.steps, generator)[0] for i in range(a.filters)]
    seconds = time.perf_counter() - t
    print(json.dumps({
        "engine": "pytorch",
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "filters": a.filters,
        "steps": a.steps,
        "seconds": seconds,
        "meanActivation": sum(activations) / len(activations),
    }))


if __name__ == "__main__":
    main()
