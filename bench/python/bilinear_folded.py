#!/usr/bin/env python3
"""Seconds per training epoch of the bilinear experiment's folded PGD layer (variant a) in PyTorch, at foldopt's
paper size.

Written for foldopt's benchmarks (not taken from any other project): the same problem, sizes, model, loss, optimizer
and solver settings as `foldopt run bilinear --size paper`, method folded-pgd-a, the layer built the way the fold-opt
reference builds a folded layer (folded_torch.Folded: forward solver without a graph, one recorded update step,
(I - Phi)^T v = g by batched GMRES(50) with autograd VJPs, then the VJP to theta):

  z(theta) = argmin_{x in C(k), y in C(k)} c^T x + d^T y + x^T Q y + mu/2 ||z||^2,   theta = (c, d),
  C(k) = {v in [0, 1]^n : 1^T v = k},  Q_ij ~ N(0, 1/n) (indefinite),  mu = 1

  U(z, theta) = Proj_C(z - alpha (theta + (Q y, Q^T x) + mu z)),  alpha = 1 / (mu + ||Q||_2),
  Proj_C the capped-simplex projection of each block (closed form); forward: FISTA with restart on U from
  Proj_C(0) to a fixed-point residual of 1e-10

Training: an MLP u (5) -> 64 ReLU -> theta_hat (2n), loss the true objective f(z(theta_hat); theta) (batch mean),
Adam (lr 0.002), batch 32, GMRES to a relative residual of 1e-8 (at most 1000 operator applications); n = 30,
k = 10, 800 training and 200 test samples, theta = 1.5 t(u) + 0.25 eps with t a random two-layer tanh network;
every epoch ends with the test set's relative regret (as foldopt's epochs do). The data are drawn here, not read
from foldopt.

Prints per epoch: CPU seconds (time.process_time, the whole process), wall seconds, the test regret, the mean GMRES
iterations per backward (the batch's largest) and the mean forward (FISTA) iterations per solve.

Usage: python3 bilinear_folded.py [--epochs 2] [--threads 1] [--json] [--check]
  --check  asserts, at n = 6, that the layer's gradient matches central finite differences of the loss, then exits
"""
import torch

from folded_torch import (EpochClock, capped_simplex, end_epoch, epoch_summary, finite_difference_check, fista,
                          folded, main)

torch.set_default_dtype(torch.float64)

N, BUDGET, FEATURES, TRAIN, TEST, HIDDEN_TRUTH, MU, NOISE = 30, 10, 5, 800, 200, 32, 1.0, 0.25
THETA_SCALE, BATCH, LR, HIDDEN = 1.5, 32, 2e-3, 64
SOLVE_TOL, BACKWARD_TOL, RESTART, MAXITER = 1e-10, 1e-8, 50, 1000


class Bilinear:
    """The smoothed bilinear problem with its folded PGD layer."""

    def __init__(self, n, budget, seed):
        g = torch.Generator().manual_seed(seed)
        self.n, self.k = n, budget
        self.q = torch.randn(n, n, generator=g) / n ** 0.5
        self.step = 1.0 / (MU + float(torch.linalg.matrix_norm(self.q, 2)))
        self.start = torch.cat([torch.full((n,), budget / n), torch.full((n,), budget / n)])

    def objective(self, z, theta):
        """f(z; theta) = theta^T z + x^T Q y per row."""
        x, y = z[:, :self.n], z[:, self.n:]
        return (theta * z).sum(1) + ((x @ self.q) * y).sum(1)

    def project(self, v):
        return torch.cat([capped_simplex(v[:, :self.n], self.k), capped_simplex(v[:, self.n:], self.k)], 1)

    def update(self, z, theta):
        """U(z, theta) = Proj_C(z - alpha grad f_mu(z; theta))."""
        x, y = z[:, :self.n], z[:, self.n:]
        grad = theta + torch.cat([y @ self.q.T, x @ self.q], 1) + MU * z
        return self.project(z - self.step * grad)

    def solve(self, theta, options):
        z, its = fista(lambda z: self.update(z, theta), self.start.expand(theta.shape[0], -1),
                       options["forward_tol"], 200_000)
        options["forward"].append(its)
        return z

    def layer(self, theta, options):
        return folded(lambda t: self.solve(t, options), self.update, options, theta)


def truth_data(problem, count, seed):
    """u ~ N(0, I_p), theta = 1.5 W2 tanh(W1 u + b1) + 0.25 eps."""
    g = torch.Generator().manual_seed(seed)
    w1 = torch.randn(HIDDEN_TRUTH, FEATURES, generator=g) / FEATURES ** 0.5
    b1 = torch.randn(HIDDEN_TRUTH, generator=g)
    w2 = torch.randn(2 * problem.n, HIDDEN_TRUTH, generator=g) / HIDDEN_TRUTH ** 0.5
    u = torch.randn(count, FEATURES, generator=g)
    theta = THETA_SCALE * torch.tanh(u @ w1.T + b1) @ w2.T + NOISE * torch.randn(count, 2 * problem.n, generator=g)
    return u, theta


def new_options(forward_tol=SOLVE_TOL, backward_tol=BACKWARD_TOL):
    return {"tol": backward_tol, "restart": RESTART, "maxiter": MAXITER, "forward_tol": forward_tol,
            "iterations": [], "forward": []}


def train(method, epochs, seed=0):
    torch.manual_seed(seed)
    problem = Bilinear(N, BUDGET, seed)
    u, theta = truth_data(problem, TRAIN + TEST, seed + 1)
    model = torch.nn.Sequential(torch.nn.Linear(FEATURES, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 2 * N))
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    options = new_options()
    test_u, test_theta = u[TRAIN:], theta[TRAIN:]
    with torch.no_grad():
        optimal = problem.objective(problem.solve(test_theta, new_options()), test_theta)
    g = torch.Generator().manual_seed(seed)
    clocks, regrets = [], []
    for _ in range(epochs):
        perm = torch.randperm(TRAIN, generator=g)
        with EpochClock() as clock:
            for start in range(0, TRAIN, BATCH):
                idx = perm[start:start + BATCH]
                z = problem.layer(model(u[idx]), options)
                loss = problem.objective(z, theta[idx]).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                achieved = problem.objective(problem.solve(model(test_u), options), test_theta)
                regrets.append(float((achieved - optimal).sum() / optimal.abs().sum()))
        clocks.append(clock)
        end_epoch(options)
    return epoch_summary(clocks, options, "relative_regret", regrets)


def check():
    """The folded gradient of the loss in theta_hat against central differences, at n = 6, k = 2."""
    problem = Bilinear(6, 2, 3)
    _, theta = truth_data(problem, 4, 4)
    theta_hat = (theta + 0.3 * torch.randn(theta.shape, generator=torch.Generator().manual_seed(5))).requires_grad_()
    options = new_options(forward_tol=1e-14, backward_tol=1e-13)

    def loss():
        return problem.objective(problem.layer(theta_hat, options), theta).mean()

    err = finite_difference_check(loss, theta_hat, eps=1e-6)
    free = float(((0 < problem.layer(theta_hat.detach(), options)) & (problem.layer(theta_hat.detach(), options) < 1))
                 .double().mean())
    assert 0 < free < 1, f"the check's instances should have free and active coordinates, free share {free}"
    print(f"folded-pgd-a: gradient matches central differences (largest relative error {err:.2e}, "
          f"{100 * free:.0f}% of the coordinates free)")


if __name__ == "__main__":
    main(["folded-pgd-a"], train, check)
