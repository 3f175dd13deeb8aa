#!/usr/bin/env python3
"""Seconds per training epoch of the multilabel experiment's layers in PyTorch, at foldopt's paper size.

Written for foldopt's benchmarks (not taken from any other project): the same layers, sizes, model, loss and
optimizer as `foldopt run multilabel --size paper`, built the way the fold-opt reference builds a folded layer
(forward solver without a graph, one recorded update step at the solution, the backward linear system
(I - dU/dx)^T v = g solved with autograd VJPs of that step, then (dU/dc)^T v):

  lml         x = argmax c^T x + H_b(x) s.t. 0 <= x <= 1, 1^T x = k  (x = sigmoid(c - nu), nu by bisection),
              differentiated by its closed-form implicit VJP
  folded-pgd  the same forward, folded through one projected-gradient step with the capped-simplex projection,
              backward by batched GMRES to a relative residual of 1e-10

Data: synthetic (features N(0, I_d), labels the top k' of a random two-layer network's scores plus noise);
timing does not depend on the values. Prints one line per method: seconds per epoch (wall and process CPU).

Usage: python3 multilabel_folded.py [--epochs 2] [--threads 2] [--json]
"""
import argparse
import json
import time

import torch

torch.set_default_dtype(torch.float64)

D, N, K, TRAIN, BATCH, HIDDEN = 50, 100, 5, 3000, 64, 64
EPS, STEP, SCORE_BOUND, LR, TOL = 1.0, 0.1, 5.0, 0.002, 1e-10


def data(seed):
    g = torch.Generator().manual_seed(seed)
    u = torch.randn(TRAIN, D, generator=g)
    w1, w2 = torch.randn(D, 32, generator=g), torch.randn(32, N, generator=g)
    s = torch.relu(u @ w1) @ w2 + 0.1 * torch.randn(TRAIN, N, generator=g)
    kk = torch.randint(1, K + 1, (TRAIN,), generator=g)
    order = s.argsort(dim=1, descending=True)
    y = torch.zeros(TRAIN, N)
    for i in range(TRAIN):
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


def capped_simplex(y, iters=60):
    """Projection onto {0 <= x <= 1, 1^T x = k}, differentiable: tau from bisection, then re-expressed on the
    free set F = {0 < y - tau < 1} as tau = (sum_F y + |U| - k) / |F| (U: coordinates at the upper bound)."""
    with torch.no_grad():
        lo = y.min(dim=1, keepdim=True).values - 1.0
        hi = y.max(dim=1, keepdim=True).values
        for _ in range(iters):
            mid = 0.5 * (lo + hi)
            over = torch.clamp(y - mid, 0, 1).sum(dim=1, keepdim=True) > K
            lo = torch.where(over, mid, lo)
            hi = torch.where(over, hi, mid)
        tau0 = 0.5 * (lo + hi)
        free = ((y - tau0 > 0) & (y - tau0 < 1)).to(y.dtype)
        upper = (y - tau0 >= 1).to(y.dtype)
    tau = ((y * free).sum(1, keepdim=True) + upper.sum(1, keepdim=True) - K) / free.sum(1, keepdim=True).clamp_min(1)
    return torch.clamp(y - tau, 0, 1)


def pgd_step(x, c):
    """U(x, c) = Proj(x - alpha grad), grad of -c^T x - eps H_b(x): -c + eps log(x / (1 - x))."""
    return capped_simplex(x - STEP * (-c + EPS * (torch.log(x) - torch.log1p(-x))))


def gmres(matvec, b, tol=TOL, maxiter=N + 1):
    """Batched GMRES for A v = b (rows independent), from 0, to ||r|| <= tol ||b|| in every row."""
    bsz, n = b.shape
    beta = b.norm(dim=1)
    q = [b / beta.clamp_min(1e-300).unsqueeze(1)]
    h = torch.zeros(bsz, maxiter + 1, maxiter)
    e1 = torch.zeros(bsz, maxiter + 1)
    e1[:, 0] = beta
    y = None
    for j in range(maxiter):
        w = matvec(q[j])
        for i in range(j + 1):
            h[:, i, j] = (w * q[i]).sum(1)
            w = w - h[:, i, j].unsqueeze(1) * q[i]
        h[:, j + 1, j] = w.norm(dim=1)
        q.append(w / h[:, j + 1, j].clamp_min(1e-300).unsqueeze(1))
        hj = h[:, :j + 2, :j + 1]
        y = torch.linalg.lstsq(hj, e1[:, :j + 2].unsqueeze(2)).solution
        res = (e1[:, :j + 2].unsqueeze(2) - hj @ y).squeeze(2).norm(dim=1)
        if bool((res <= tol * beta).all()):
            break
    basis = torch.stack(q[:y.shape[1]], dim=2)
    return (basis @ y).squeeze(2), j + 1


class FoldedPgd(torch.autograd.Function):
    """The folded PGD layer: LML's forward, backward through one recorded PGD step."""

    iterations = []

    @staticmethod
    def forward(ctx, c):
        x = lml_forward(c)
        ctx.save_for_backward(c, x)
        return x

    @staticmethod
    def backward(ctx, g):
        c, x = ctx.saved_tensors
        with torch.enable_grad():
            xl = x.detach().requires_grad_()
            cl = c.detach().requires_grad_()
            u = pgd_step(xl, cl)

            def matvec(v):
                return v - torch.autograd.grad(u, xl, v, retain_graph=True)[0]

            v, its = gmres(matvec, g)
            FoldedPgd.iterations.append(its)
            return torch.autograd.grad(u, cl, v)[0]


def train(method, epochs, seed=0):
    torch.manual_seed(seed)
    u, y = data(seed)
    model = torch.nn.Sequential(torch.nn.Linear(D, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, N))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    layer = Lml.apply if method == "lml" else FoldedPgd.apply
    walls, cpus = [], []
    for _ in range(epochs):
        perm = torch.randperm(TRAIN)
        t0, c0 = time.perf_counter(), time.process_time()
        for start in range(0, TRAIN, BATCH):
            idx = perm[start:start + BATCH]
            c = SCORE_BOUND * torch.tanh(model(u[idx]) / SCORE_BOUND)
            x = layer(c)
            loss = -(torch.log(x.clamp_min(1e-300)) * y[idx]).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return walls, cpus


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    out = {"torch": torch.__version__, "threads": args.threads, "epochs": args.epochs, "methods": {}}
    for method in ["lml", "folded-pgd"]:
        walls, cpus = train(method, args.epochs)
        out["methods"][method] = {"wall_s_per_epoch": min(walls), "cpu_s_per_epoch": min(cpus)}
        if method == "folded-pgd":
            its = FoldedPgd.iterations
            out["methods"][method]["mean_gmres_iterations"] = sum(its) / len(its)
    if args.json:
        print(json.dumps(out))
    else:
        for m, r in out["methods"].items():
            print(f"{m:12s} wall {r['wall_s_per_epoch']:.3f} s/epoch  cpu {r['cpu_s_per_epoch']:.3f} s/epoch")


if __name__ == "__main__":
    main()
