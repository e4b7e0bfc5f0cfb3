#!/usr/bin/env python3
"""PyTorch CPU counterpart of ConvLens' VAE training (bench/generative.js): the keras.io
"Variational AutoEncoder" (examples/keras/vae.py) on the same MNIST digits ConvLens trains on
(written by bench/generative.js as raw float32/uint8 files), trained the way keras.io's
`VAE.train_step` does it and ConvLens does it:

- encoder conv 3x3/2 'same' 32 -> conv 3x3/2 'same' 64 -> flatten -> dense 16 relu ->
  z_mean, z_log_var (2); decoder dense 3136 relu -> (64, 7, 7) -> conv-transpose 3x3/2 64 ->
  conv-transpose 3x3/2 32 -> conv 3x3 'same' 1 sigmoid;
- Keras' 'same' padding: a stride-2 conv on 28 pads 0 before and 1 after (TensorFlow puts the
  odd pixel at the end); a stride-2 transposed conv crops so the output is exactly twice the
  input, as Keras' 'same' does;
- Keras' initialisers (glorot-uniform kernels, zero biases) and Adam(1e-3) with Keras'
  epsilon 1e-7;
- losses as Keras computes them: binary cross-entropy with the prediction clipped to
  [1e-7, 1 - 1e-7], summed over the pixels of an image and averaged over the batch, plus
  KL summed over the latent axis and averaged over the batch.

Each epoch: a shuffled pass over the training digits, then the validation losses (z sampled,
as ConvLens' validation does). At the end the validation digits' z_mean go to --points-out.
Prints one JSON line per epoch and a summary line.

Usage: python3 bench/torch_vae.py --data DIR --epochs 30 --batch-size 128 [--threads N|default] [--points-out FILE]
"""
import argparse
import json
import os
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

LATENT = 2
EPS = 1e-7


def glorot(module):
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.xavier_uniform_(module.weight)
        nn.init.zeros_(module.bias)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, stride=2)
        self.conv2 = nn.Conv2d(32, 64, 3, stride=2)
        self.dense = nn.Linear(7 * 7 * 64, 16)
        self.z_mean = nn.Linear(16, LATENT)
        self.z_log_var = nn.Linear(16, LATENT)

    def forward(self, x):
        x = F.relu(self.conv1(F.pad(x, (0, 1, 0, 1))))  # 28 -> 14, Keras' 'same' at stride 2
        x = F.relu(self.conv2(F.pad(x, (0, 1, 0, 1))))  # 14 -> 7
        # Keras flattens NHWC: put channels last before flattening so the dense sees the same order.
        x = F.relu(self.dense(x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)))
        return self.z_mean(x), self.z_log_var(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(LATENT, 7 * 7 * 64)
        self.up1 = nn.ConvTranspose2d(64, 64, 3, stride=2)
        self.up2 = nn.ConvTranspose2d(64, 32, 3, stride=2)
        self.out = nn.Conv2d(32, 1, 3, padding=1)

    @staticmethod
    def same_crop(x, size):
        # A 3x3 stride-2 transposed conv gives 2n + 1; Keras' 'same' keeps 2n, dropping the last row and column.
        return x[:, :, :size, :size]

    def forward(self, z):
        x = F.relu(self.dense(z)).reshape(-1, 7, 7, 64).permute(0, 3, 1, 2)
        x = F.relu(self.same_crop(self.up1(x), 14))
        x = F.relu(self.same_crop(self.up2(x), 28))
        return torch.sigmoid(self.out(x))


def losses(encoder, decoder, images):
    z_mean, z_log_var = encoder(images)
    z = z_mean + torch.exp(0.5 * z_log_var) * torch.randn_like(z_mean)
    recon = decoder(z).clamp(EPS, 1 - EPS)
    bce = -(images * torch.log(recon) + (1 - images) * torch.log(1 - recon))
    reconstruction = bce.sum(dim=(1, 2, 3)).mean()
    kl = (-0.5 * (1 + z_log_var - z_mean.pow(2) - z_log_var.exp())).sum(dim=1).mean()
    return reconstruction + kl, reconstruction, kl


def load(data, split):
    x = np.fromfile(os.path.join(data, f"{split}-x.f32"), dtype=np.float32).reshape(-1, 1, 28, 28)
    y = np.fromfile(os.path.join(data, f"{split}-y.u8"), dtype=np.uint8)
    return torch.from_numpy(x), y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", default="default")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--points-out")
    a = ap.parse_args()
    if a.threads != "default":
        torch.set_num_threads(int(a.threads))
    torch.manual_seed(a.seed)
    train_x, _ = load(a.data, "train")
    val_x, val_y = load(a.data, "validation")
    encoder, decoder = Encoder(), Decoder()
    encoder.apply(glorot)
    decoder.apply(glorot)
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(params, lr=1e-3, eps=EPS)
    started = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        began = time.perf_counter()
        sums = np.zeros(3)
        order = torch.randperm(train_x.shape[0])
        for i in range(0, len(order), a.batch_size):
            batch = train_x[order[i:i + a.batch_size]]
            opt.zero_grad()
            total, reconstruction, kl = losses(encoder, decoder, batch)
            total.backward()
            opt.step()
            sums += np.array([total.item(), reconstruction.item(), kl.item()]) * batch.shape[0]
        train_seconds = time.perf_counter() - began
        val = np.zeros(3)
        with torch.no_grad():
            for i in range(0, val_x.shape[0], a.batch_size):
                batch = val_x[i:i + a.batch_size]
                val += np.array([t.item() for t in losses(encoder, decoder, batch)]) * batch.shape[0]
        logs = dict(zip(["loss", "reconstruction_loss", "kl_loss"], (sums / train_x.shape[0]).tolist()))
        logs.update(zip(["val_loss", "val_reconstruction_loss", "val_kl_loss"], (val / val_x.shape[0]).tolist()))
        print(json.dumps({"type": "epoch", "epoch": epoch, **logs, "trainSeconds": train_seconds, "seconds": time.perf_counter() - began}), flush=True)
    if a.points_out:
        with torch.no_grad():
            z_mean, _ = encoder(val_x)
        points = [{"z": z.tolist(), "label": int(label)} for z, label in zip(z_mean, val_y)]
        with open(a.points_out, "w") as f:
            json.dump({"points": points}, f)
    print(json.dumps({"type": "summary", "engine": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(), "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
