#!/usr/bin/env python3
"""PyTorch CPU counterpart of bench/train.js: Chollet's MNIST convnet
(conv32-pool-conv64-pool-conv64-flatten-dense64-dense10), RMSprop lr 1e-3 (Keras' rho 0.9,
eps 1e-7), batch 64, trained for a fixed number of batches on random 28x28x1 inputs (the
throughput does not depend on pixel values). Prints one JSON line: images/s.

Usage: python3 bench/torch_train.py [--batches 30] [--batch-size 64] [--threads N|default] [--warmup 3]
"""
import argparse
import json
import time

import torch
from torch import nn


def model():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(576, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=30)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", default="default")
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    if a.threads != "default":
        torch.set_num_threads(int(a.threads))
    torch.manual_seed(1)
    net = model()
    opt = torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy, as the Keras model
    x = torch.rand(a.batch_size, 1, 28, 28)
    y = torch.randint(0, 10, (a.batch_size,))

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    t = time.perf_counter()
    for _ in range(a.batches):
        step()
    seconds = time.perf_counter() - t
    print(json.dumps({
        "engine": "pytorch",
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "batches": a.batches,
        "batchSize": a.batch_size,
        "seconds": seconds,
        "imagesPerSec": a.batches * a.batch_size / seconds,
    }))


if __name__ == "__main__":
    main()
