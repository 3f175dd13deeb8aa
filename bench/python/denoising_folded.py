#!/usr/bin/env python3
"""Seconds per training epoch of the denoising experiment's folded layers in PyTorch, at foldopt's paper size.

Written for foldopt's benchmarks (not taken from any other project): the same problem, sizes, loss, optimizer and
solver settings as `foldopt run denoising --size paper`, each layer built the way the fold-opt reference builds a
folded layer (folded_torch.Folded: forward solver without a graph, one recorded update step, (I - Phi)^T v = g by
batched GMRES(50) with autograd VJPs, then the VJP to D):

  x*(y; D) = argmin_x 1/2 ||x - y||^2 + lambda ||D x||_1,   D (n - 1, n) learned,  lambda = 0.3

  folded-dpg   dual proximal gradient: state (w, x), U = (w+, y - D^T w+), w+ = clip(w + D (y - D^T w) / L, +-lambda),
               L = ||D||_2^2; forward FDPG (FISTA with restart on the dual) from w = 0
  folded-admm  OSQP-style ADMM (rho = 1, sigma = 1e-6) on the QP in (x, t): min 1/2 ||x - y||^2 + lambda 1^T t,
               -t <= D x <= t; state (x, t, z, u); forward: the same sweep iterated from 0; the x-update's system
               P + sigma I + rho A^T A is inverted once per minibatch (Cholesky) and every solve and VJP reuses
               the inverse

Training: the loss is the mean squared error to the clean signals, D starts at the forward-difference operator plus
N(0, 0.25 / n) noise, Adam (lr 0.005), batch 10, forward solves to a fixed-point residual of 1e-10, GMRES to a
relative residual of 1e-8 (at most 1000 operator applications); n = 100, 200 piecewise-constant signals (noise 0.2),
150 for training; every epoch ends with the test MSE (as foldopt's epochs do). The data are drawn here, not read
from foldopt.

Prints per method and epoch: CPU seconds (time.process_time, the whole process), wall seconds, the test MSE, the
mean GMRES iterations per backward (the batch's largest) and the mean forward iterations per solve.

Usage: python3 denoising_folded.py [--epochs 2] [--threads 1] [--methods folded-dpg,folded-admm] [--json] [--check]
  --check  asserts, at n = 8, that both layers' gradients with respect to D match central finite differences and
           each other, then exits
"""
import torch

from folded_torch import (EpochClock, SpdSolve, end_epoch, epoch_summary, finite_difference_check, fista, folded,
                          main)

torch.set_default_dtype(torch.float64)

LAMBDA, NOISE, INIT_NOISE = 0.3, 0.2, 0.5
RHO, SIGMA, BIG = 1.0, 1e-6, 1e6
N, SIGNALS, BATCH, LR = 100, 200, 10, 0.005
SOLVE_TOL, BACKWARD_TOL, RESTART, MAXITER = 1e-10, 1e-8, 50, 1000


def signals(count, n, seed):
    """Piecewise-constant signals: J jumps (J uniform in 1..max(2, n / 10)) at distinct positions, levels uniform in
    [-1, 1], plus N(0, NOISE^2) noise. Returns (noisy, clean)."""
    g = torch.Generator().manual_seed(seed)
    clean = torch.empty(count, n)
    for s in range(count):
        jumps = 1 + int(torch.randint(min(n - 1, max(2, n // 10)), (1,), generator=g))
        at = 1 + torch.randperm(n - 1, generator=g)[:jumps]
        levels = torch.rand(jumps + 1, generator=g) * 2 - 1
        piece = torch.zeros(n, dtype=torch.long)
        piece[at] = 1
        clean[s] = levels[piece.cumsum(0)]
    return clean + NOISE * torch.randn(count, n, generator=g), clean


def initial_operator(n, seed):
    """The forward-difference operator (n - 1, n) plus N(0, INIT_NOISE^2 / n) noise."""
    g = torch.Generator().manual_seed(seed)
    d = torch.zeros(n - 1, n)
    idx = torch.arange(n - 1)
    d[idx, idx] = -1.0
    d[idx, idx + 1] = 1.0
    return d + INIT_NOISE / n ** 0.5 * torch.randn(n - 1, n, generator=g)


def dpg(y, d, options):
    """The folded dual proximal gradient layer x*(y; D)."""
    k, n = d.shape
    with torch.no_grad():
        inv_l = 1.0 / float(torch.linalg.matrix_norm(d.detach(), 2)) ** 2

    def solve(yv, dv):
        w, its = fista(lambda w: torch.clamp(w + inv_l * (yv - w @ dv) @ dv.T, -LAMBDA, LAMBDA),
                       torch.zeros(yv.shape[0], k), options["forward_tol"], 1_000_000)
        options["forward"].append(its)
        return torch.cat([w, yv - w @ dv], 1)

    def update(s, yv, dv):
        w = torch.clamp(s[:, :k] + inv_l * (yv - s[:, :k] @ dv) @ dv.T, -LAMBDA, LAMBDA)
        return torch.cat([w, yv - w @ dv], 1)

    return folded(solve, update, options, y, d)[:, k:]


def admm_rows(d):
    """A = [[D, -I], [D, I]] (2k, n + k)."""
    k = d.shape[0]
    eye = torch.eye(k)
    return torch.cat([torch.cat([d, -eye], 1), torch.cat([d, eye], 1)], 0)


def admm_system(a, n):
    """P + sigma I + rho A^T A with P = diag(1_n, 0_k)."""
    p = torch.diag(torch.cat([torch.ones(n), torch.zeros(a.shape[1] - n)]))
    return p + SIGMA * torch.eye(a.shape[1]) + RHO * a.T @ a


def admm(y, d, options):
    """The folded ADMM layer x*(y; D) on the equivalent QP."""
    k, n = d.shape
    nv, m, bsz = n + k, 2 * k, y.shape[0]
    q = torch.cat([-y, torch.full((bsz, k), LAMBDA)], 1)
    lo = torch.cat([torch.full((bsz, k), -BIG), torch.zeros(bsz, k)], 1)
    hi = torch.cat([torch.zeros(bsz, k), torch.full((bsz, k), BIG)], 1)
    with torch.no_grad():
        k_inverse = torch.cholesky_inverse(torch.linalg.cholesky(admm_system(admm_rows(d.detach()), n)))

    def step(s, qv, lv, hv, a, k_matrix):
        z, u = s[:, nv:nv + m], s[:, nv + m:]
        rhs = SIGMA * s[:, :nv] - qv + (RHO * z - u) @ a
        x = SpdSolve.apply(k_matrix, rhs, k_inverse) if k_matrix is not None else rhs @ k_inverse
        ax = x @ a.T
        z_next = torch.minimum(torch.maximum(ax + u / RHO, lv), hv)
        return torch.cat([x, z_next, u + RHO * (ax - z_next)], 1)

    def solve(qv, lv, hv, dv):
        a = admm_rows(dv)
        s, its = fista(lambda s: step(s, qv, lv, hv, a, None), torch.zeros(bsz, nv + 2 * m), options["forward_tol"],
                       1_000_000, accelerated=False)
        options["forward"].append(its)
        return s

    def update(s, qv, lv, hv, dv):
        a = admm_rows(dv)
        return step(s, qv, lv, hv, a, admm_system(a, n))

    return folded(solve, update, options, q, lo, hi, d)[:, :n]


LAYERS = {"folded-dpg": dpg, "folded-admm": admm}


def new_options(forward_tol=SOLVE_TOL, backward_tol=BACKWARD_TOL):
    return {"tol": backward_tol, "restart": RESTART, "maxiter": MAXITER, "forward_tol": forward_tol,
            "iterations": [], "forward": []}


def train(method, epochs, seed=0):
    noisy, clean = signals(SIGNALS, N, seed)
    train_n = SIGNALS * 3 // 4
    d = torch.nn.Parameter(initial_operator(N, seed * 31 + 11))
    opt = torch.optim.Adam([d], lr=LR, betas=(0.9, 0.999), eps=1e-8)
    layer, options = LAYERS[method], new_options()
    g = torch.Generator().manual_seed(seed)
    clocks, test = [], []
    for _ in range(epochs):
        perm = torch.randperm(train_n, generator=g)
        with EpochClock() as clock:
            for start in range(0, train_n, BATCH):
                idx = perm[start:start + BATCH]
                loss = torch.mean((layer(noisy[idx], d, options) - clean[idx]) ** 2)
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                test.append(float(torch.mean((layer(noisy[train_n:], d, options) - clean[train_n:]) ** 2)))
        clocks.append(clock)
        end_epoch(options)
    return epoch_summary(clocks, options, "test_mse", test)


def check():
    """Both layers' gradients in D against central differences and against each other, at n = 8."""
    n, bsz = 8, 3
    noisy, clean = signals(bsz, n, 5)
    grads = {}
    for method, layer in LAYERS.items():
        d = initial_operator(n, 7).requires_grad_()
        options = new_options(forward_tol=1e-14, backward_tol=1e-13)

        def loss():
            return torch.mean((layer(noisy, d, options) - clean) ** 2)

        err = finite_difference_check(loss, d, eps=1e-5)
        grads[method] = d.grad.clone()
        print(f"{method}: gradient in D matches central differences (largest relative error {err:.2e})")
    a, b = grads["folded-dpg"], grads["folded-admm"]
    diff = float((a - b).norm() / a.norm())
    assert diff <= 1e-7, f"folded DPG and folded ADMM gradients differ by {diff:.2e} relative"
    print(f"folded-dpg and folded-admm gradients agree to {diff:.2e} relative")


if __name__ == "__main__":
    main(list(LAYERS), train, check)
