#!/usr/bin/python3
"""Peer timings for bench_vae in PyTorch (float32, CPU, 1 and 2 threads).

The same models as the library's presets:
  digits28  1x28x28: enc conv k3 s2 p1 32, 64 (BN, LeakyReLU 0.3), flatten,
            dense mu/logvar (10); dec dense -> 64x7x7, up2 conv k3 32 (BN,
            LeakyReLU), up2 conv k3 1, sigmoid. Batch 128.
  color64   3x64x64: dropout 0.2; enc 4 x conv k4 s2 valid 32/64/128/256
            (BN, LeakyReLU 0.3), global average pooling, dense heads (20);
            dec dense 4096 -> 256x4x4, 3 x [up2, conv k3 same, BN, LeakyReLU]
            128/64/32, up2, conv k3 3, sigmoid. Batch 32.
Training: L1 (mean over channels, sum over pixels, mean over batch) + KL,
Adam with amsgrad=True, lr 1e-3; one epoch over N shuffled images.
Encode / decode: eval mode, no grad, batches of 64.

usage: peer_vae.py [REPEATS]
prints "<model>.<train|encode|decode> <threads> <images per second>".
"""
import sys
import time

import torch
import torch.nn as nn

SPECS = {
    "digits28": dict(c=1, hw=28, latent=10, batch=128, n=1024, drop=0.0,
                     enc=[(32, 3, 2, 1), (64, 3, 2, 1)], pool="flatten",
                     dec_in=(64, 7), dec=[32, 1]),
    "color64": dict(c=3, hw=64, latent=20, batch=32, n=256, drop=0.2,
                    enc=[(32, 4, 2, 0), (64, 4, 2, 0), (128, 4, 2, 0),
                         (256, 4, 2, 0)], pool="gap",
                    dec_in=(256, 4), dec=[128, 64, 32, 3]),
}


def block(cin, f, k, s, p):
    return [nn.Conv2d(cin, f, k, s, p), nn.BatchNorm2d(f, eps=1e-3,
            momentum=0.01), nn.LeakyReLU(0.3)]


class Vae(nn.Module):
    def __init__(self, sp):
        super().__init__()
        layers, c, hw = [nn.Dropout(sp["drop"])], sp["c"], sp["hw"]
        for f, k, s, p in sp["enc"]:
            layers += block(c, f, k, s, p)
            c, hw = f, (hw + 2 * p - k) // s + 1
        self.enc = nn.Sequential(*layers)
        self.gap = sp["pool"] == "gap"
        feat = c if self.gap else c * hw * hw
        self.mu = nn.Linear(feat, sp["latent"])
        self.lv = nn.Linear(feat, sp["latent"])
        dc, dhw = sp["dec_in"]
        self.dec_in = (dc, dhw)
        self.dense = nn.Linear(sp["latent"], dc * dhw * dhw)
        layers, c = [], dc
        for i, f in enumerate(sp["dec"]):
            layers += [nn.Upsample(scale_factor=2, mode="nearest")]
            if i + 1 < len(sp["dec"]):
                layers += block(c, f, 3, 1, 1)
            else:
                layers += [nn.Conv2d(c, f, 3, 1, 1), nn.Sigmoid()]
            c = f
        self.dec = nn.Sequential(*layers)

    def encode(self, x):
        h = self.enc(x)
        h = h.mean(dim=(2, 3)) if self.gap else h.flatten(1)
        return self.mu(h), self.lv(h)

    def decode(self, z):
        dc, dhw = self.dec_in
        return self.dec(self.dense(z).view(-1, dc, dhw, dhw))


def epoch(model, opt, x, batch, c):
    model.train()
    perm = torch.randperm(x.shape[0])
    for s in range(0, x.shape[0], batch):
        xb = x[perm[s:s + batch]]
        mu, lv = model.encode(xb)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        y = model.decode(z)
        rec = (y - xb).abs().sum() / (xb.shape[0] * c)
        kl = (-0.5 * (1 + lv - mu * mu - lv.exp()).sum(1)).mean()
        opt.zero_grad()
        (rec + kl).backward()
        opt.step()


def best_rate(fn, n, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for name, sp in SPECS.items():
            torch.manual_seed(0)
            model = Vae(sp)
            opt = torch.optim.Adam(model.parameters(), lr=1e-3, amsgrad=True)
            x = torch.rand(sp["n"], sp["c"], sp["hw"], sp["hw"])
            epoch(model, opt, x, sp["batch"], sp["c"])  # warm-up
            rate = best_rate(lambda: epoch(model, opt, x, sp["batch"],
                                           sp["c"]), sp["n"], repeats)
            print("%s.train %d %.1f" % (name, threads, rate), flush=True)
            model.eval()
            with torch.no_grad():
                def enc():
                    for s in range(0, sp["n"], 64):
                        model.encode(x[s:s + 64])
                z = torch.randn(sp["n"], sp["latent"])

                def dec():
                    for s in range(0, sp["n"], 64):
                        model.decode(z[s:s + 64])
                enc()
                print("%s.encode %d %.1f" % (name, threads,
                      best_rate(enc, sp["n"], repeats)), flush=True)
                dec()
                print("%s.decode %d %.1f" % (name, threads,
                      best_rate(dec, sp["n"], repeats)), flush=True)


if __name__ == "__main__":
    main()
