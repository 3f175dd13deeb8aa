#!/usr/bin/env python3
"""Seconds per training epoch of the multilabel experiment's layers in PyTorch, at foldopt's paper size.

Written for foldopt's benchmarks (not taken from any other project): the same layers, sizes, model, loss and
optimizer as `foldopt run multilabel --size paper`, built the way the fold-opt reference builds a folded layer
(forward solver without a graph, one recorded update step at the solution, the backward linear system
(I - dU/dx)^T v = g solved with autograd VJPs of that step, then (dU/dc)^T v):

  lml         x = argmax c^T x + H_b(x) s.t. 0 <= x <= 1, 1^T x = k  (x = sigmoid(c - nu), nu by bisection),
              differentiated by its closed-form implicit VJP
  folded-pgd  the same forward, folded through one projected-gradient step with the capped-simplex projection
              (folded_torch.Folded), backward by batched GMRES(50) to a relative residual of 1e-10 (at most 1000
              operator applications)

Data: synthetic, drawn here (features N(0, I_d), labels the top k' of a random two-layer network's scores plus
noise), 3000 training and 1000 test samples; every epoch ends with the test set's top-k recall (as foldopt's epochs
do). Prints per method and epoch: CPU seconds (time.process_time, the whole process), wall seconds, the test recall
and the mean GMRES iterations per backward (the batch's largest).

Usage: python3 multilabel_folded.py [--epochs 2] [--threads 1] [--methods lml,folded-pgd] [--json] [--check]
  --check  asserts, at n = 12, that both layers' gradients match central finite differences and each other, then
           exits
"""
import torch

from folded_torch import (EpochClock, capped_simplex, end_epoch, epoch_summary, finite_difference_check, folded,
                          main)

torch.set_default_dtype(torch.float64)

D, N, K, TRAIN, TEST, BATCH, HIDDEN = 50, 100, 5, 3000, 1000, 64, 64
EPS, STEP, SCORE_BOUND, LR, TOL, RESTART, MAXITER = 1.0, 0.1, 5.0, 0.002, 1e-10, 50, 1000


def data(seed):
    """TRAIN + TEST samples: features N(0, I_d); labels the top k' (uniform in 1..k) of a random two-layer ReLU
    network's scores plus N(0, 0.01) noise."""
    total = TRAIN + TEST
    g = torch.Generator().manual_seed(seed)
    u = torch.randn(total, D, generator=g)
    w1, w2 = torch.randn(D, 32, generator=g), torch.randn(32, N, generator=g)
    s = torch.relu(u @ w1) @ w2 + 0.1 * torch.randn(total, N, generator=g)
    kk = torch.randint(1, K + 1, (total,), generator=g)
    order = s.argsort(dim=1, descending=True)
    y = torch.zeros(total, N)
    for i in range(total):
        y[i, order[i, :kk[i]]] = 1.0
    return u, y


def lml_forward(c, iters=60):
    """x = sigmoid((c - nu) / eps) with sum x = k, nu by bisection (no graph)."""
    with torch.no_grad():
        lo = c.min(dim=1, keepdim=True).values - 40.0
        hi = c.max(dim=1, keepdim=True).values + 40.0
        for _ in range(iters):
            mid = 0.5 * (lo + hi)
            over = torch.sigmoid((c - mid) / EPS).sum(dim=1, keepdim=True) > K
            lo = torch.where(over, mid, lo)
            hi = torch.where(over, hi, mid)
        return torch.sigmoid((c - 0.5 * (lo + hi)) / EPS)


class Lml(torch.autograd.Function):
    """LML with its implicit VJP: with d = x (1 - x) / eps, dc = d g - d (d^T g) / (1^T d)."""

    @staticmethod
    def forward(ctx, c):
        x = lml_forward(c)
        ctx.save_for_backward(x)
        return x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        d = x * (1 - x) / EPS
        return d * g - d * (d * g).sum(1, keepdim=True) / d.sum(1, keepdim=True)


def pgd_step(x, c):
    """U(x, c) = Proj(x - alpha grad), grad of -c^T x - eps H_b(x): -c + eps log(x / (1 - x))."""
    return capped_simplex(x - STEP * (-c + EPS * (torch.log(x) - torch.log1p(-x))), K)


def folded_pgd(c, options):
    """The folded PGD layer: LML's forward, backward through one recorded PGD step (folded_torch.Folded)."""
    return folded(lml_forward, pgd_step, options, c)


def new_options(tol=TOL):
    return {"tol": tol, "restart": RESTART, "maxiter": MAXITER, "iterations": []}


def layer_of(method, options):
    return Lml.apply if method == "lml" else lambda c: folded_pgd(c, options)


def train(method, epochs, seed=0):
    torch.manual_seed(seed)
    u, y = data(seed)
    model = torch.nn.Sequential(torch.nn.Linear(D, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, N))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    options = new_options()
    layer = layer_of(method, options)
    clocks, recalls = [], []
    for _ in range(epochs):
        perm = torch.randperm(TRAIN)
        with EpochClock() as clock:
            for start in range(0, TRAIN, BATCH):
                idx = perm[start:start + BATCH]
                c = SCORE_BOUND * torch.tanh(model(u[idx]) / SCORE_BOUND)
                x = layer(c)
                loss = -(torch.log(x.clamp_min(1e-300)) * y[idx]).sum(1).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                top = model(u[TRAIN:]).topk(K, dim=1).indices
                hits = y[TRAIN:].gather(1, top).sum(1)
                recalls.append(float((hits / y[TRAIN:].sum(1)).mean()))
        clocks.append(clock)
        end_epoch(options)
    return epoch_summary(clocks, options, "test_recall", recalls)


def check():
    """Both layers' gradients against central differences of the loss, and against each other, at n = 12, k = 3."""
    global N, K
    N, K = 12, 3
    g = torch.Generator().manual_seed(3)
    c0 = 2 * torch.randn(4, N, generator=g)
    labels = (torch.rand(4, N, generator=g) < 0.3).to(c0.dtype)
    grads = {}
    for method in ["lml", "folded-pgd"]:
        c = c0.clone().requires_grad_()
        layer = layer_of(method, new_options(tol=1e-13))

        def loss():
            return -(torch.log(layer(c)) * labels).sum(1).mean()

        err = finite_difference_check(loss, c, eps=1e-6)
        grads[method] = c.grad.clone()
        print(f"{method}: gradient matches central differences (largest relative error {err:.2e})")
    diff = float((grads["lml"] - grads["folded-pgd"]).norm() / grads["lml"].norm())
    assert diff <= 1e-8, f"lml and folded-pgd gradients differ by {diff:.2e} relative"
    print(f"lml and folded-pgd gradients agree to {diff:.2e} relative")


if __name__ == "__main__":
    main(["lml", "folded-pgd"], train, check)
