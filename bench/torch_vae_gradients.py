#!/usr/bin/env python3
"""The other half of bench/vae-gradients.js: loads the weights, digits and sampling noise
ConvLens used into bench/torch_vae.py's net, computes the same loss and its gradients, and
prints, per variable, the largest difference from ConvLens' gradient relative to the largest
gradient, as one JSON object; then trains from those weights on ConvLens' batches and noise
with Adam(1e-3, eps 1e-7) and adds each step's loss (before the step, as ConvLens reports it).

Layouts: Keras' Conv2D kernel is (kh, kw, in, out), torch's (out, in, kh, kw); Keras'
Conv2DTranspose kernel is (kh, kw, out, in), torch's ConvTranspose2d (in, out, kh, kw), so the
same transpose (3, 2, 0, 1) serves both; a Dense kernel is (in, out), torch's Linear (out, in).
Both transposed convolutions are the adjoint of a cross-correlation, so no kernel is flipped.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_vae  # noqa: E402

MODULES = {
    "conv2d": ("encoder", "conv1"), "conv2d_1": ("encoder", "conv2"), "dense": ("encoder", "dense"),
    "z_mean": ("encoder", "z_mean"), "z_log_var": ("encoder", "z_log_var"),
    "dense_1": ("decoder", "dense"), "conv2d_transpose": ("decoder", "up1"),
    "conv2d_transpose_1": ("decoder", "up2"), "conv2d_2": ("decoder", "out"),
}


def to_torch(array, kind):
    return array.T.copy() if kind == "dense" else array.transpose(3, 2, 0, 1).copy()


def from_torch(array, kind):
    return array.T if kind == "dense" else array.transpose(2, 3, 1, 0)


def vae_loss(nets, x, epsilon):
    z_mean, z_log_var = nets["encoder"](x)
    z = z_mean + torch.exp(0.5 * z_log_var) * epsilon
    reconstruction = nets["decoder"](z).clamp(torch_vae.EPS, 1 - torch_vae.EPS)
    bce = -(x * torch.log(reconstruction) + (1 - x) * torch.log(1 - reconstruction))
    return bce.sum(dim=(1, 2, 3)).mean() + (-0.5 * (1 + z_log_var - z_mean.pow(2) - z_log_var.exp())).sum(dim=1).mean()


def train_steps(nets, dump):
    """ConvLens' steps again: its batches (by index) and noise, Adam as Keras compiles it."""
    digits = torch.from_numpy(np.fromfile(dump["digitsFile"], dtype=np.float32).reshape(-1, 1, 28, 28))
    params = list(nets["encoder"].parameters()) + list(nets["decoder"].parameters())
    for p in params:
        p.grad = None
    optimizer = torch.optim.Adam(params, lr=1e-3, eps=torch_vae.EPS)
    losses = []
    for step in dump["steps"]:
        batch = digits[torch.tensor(step["indices"], dtype=torch.long)]
        epsilon = torch.tensor(step["epsilon"], dtype=torch.float32).reshape(len(step["indices"]), torch_vae.LATENT)
        optimizer.zero_grad()
        loss = vae_loss(nets, batch, epsilon)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main():
    dump = json.load(open(sys.argv[1]))
    nets = {"encoder": torch_vae.Encoder(), "decoder": torch_vae.Decoder()}
    slots = []
    for v in dump["variables"]:
        layer, part = v["name"].rsplit("/", 1)
        net, attr = MODULES[layer]
        module = getattr(nets[net], attr)
        kind = "dense" if isinstance(module, torch.nn.Linear) else "conv"
        value = np.array(v["value"], dtype=np.float32).reshape(v["shape"])
        param = module.weight if part == "kernel" else module.bias
        param.data = torch.from_numpy(to_torch(value, kind) if part == "kernel" else value)
        slots.append((v, param, kind, part))
    n = len(dump["epsilon"]) // torch_vae.LATENT
    x = torch.from_numpy(np.array(dump["x"], dtype=np.float32).reshape(n, 28, 28, 1).transpose(0, 3, 1, 2).copy())
    epsilon = torch.from_numpy(np.array(dump["epsilon"], dtype=np.float32).reshape(n, torch_vae.LATENT))
    loss = vae_loss(nets, x, epsilon)
    loss.backward()
    rows = []
    for v, param, kind, part in slots:
        ours = np.array(v["grad"], dtype=np.float32).reshape(v["shape"])
        theirs = param.grad.numpy()
        theirs = from_torch(theirs, kind) if part == "kernel" else theirs
        scale = float(np.abs(theirs).max())
        rows.append({"name": v["name"], "scale": scale, "relative": float(np.abs(ours - theirs).max() / max(scale, 1e-30))})
    steps = train_steps(nets, dump) if dump.get("steps") else []
    print(json.dumps({"version": torch.__version__, "loss": loss.item(), "variables": rows, "steps": steps}))


if __name__ == "__main__":
    main()
