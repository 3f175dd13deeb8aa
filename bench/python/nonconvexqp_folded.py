#!/usr/bin/env python3
"""Seconds per training epoch of the nonconvex-qp experiment's folded PGD layer in PyTorch, at foldopt's paper size.

Written for foldopt's benchmarks (not taken from any other project): the same problem, sizes, model, loss, optimizer
and backward settings as `foldopt run nonconvex-qp --size paper`, method folded-pgd, the layer built the way the
fold-opt reference builds a folded layer (folded_torch.Folded: forward solver without a graph, one recorded update
step, (I - Phi)^T v = g by batched GMRES(50) with autograd VJPs, then the VJP to p):

  y*(p) = a local solution of  min_y 1/2 y^T Q y + p^T sin(y)  s.t.  A y = b,  G y <= h
  Q = diag(q), q ~ U[0, 1]^n, A, G standard normal, b ~ U[0, 1]^{n_eq}, h_i = sum_j |(G A^+)_ij|

  U(y, p) = Proj_C(y - alpha (q y + p cos y)),  alpha = 0.5

Proj_C, the Euclidean projection onto C = {A y = b, G y <= h}: forward by cvxopt.solvers.qp per instance, then
polished on its active set S (y = v - C_S^T (C_S C_S^T)^{-1} (C_S v - d_S), C_S = [A; G_S], kept when its
multipliers are nonnegative and it is feasible); VJP: the projector onto the null space of C_S at the projected
point, v - C_S^T (C_S C_S^T)^{-1} C_S v, with S the inequalities of slack at most 1e-8.

Forward solver (foldopt's is a local SQP; this one is projected gradient): per instance, y <- Proj_C(y - s (q y +
p cos y)) from y_0 = A^+ b (foldopt's start) with s = min(alpha, 1 / max_i (q_i + |p_i|)) (a step that keeps the
iteration stable for large |p|; the step does not change the fixed points nor the folded gradient), until the
fixed-point residual ||U(y) - y|| <= 1e-10 max(1, ||y||) (foldopt's forward tolerance), each instance stopping at
its own tolerance, at most 2000 iterations (in Python a projection costs about 5 ms, so the iteration is capped: an
instance that reaches the cap keeps its last iterate and is counted in "capped", the number of such instances per
epoch). Projected gradient and the SQP may reach different local solutions.

Training: a linear model u (5) -> p_hat (n), loss the true objective f(y*(p_hat); p) (batch mean; foldopt subtracts
the constant f(y*(p); p), which does not change the gradient), Adam (lr 0.05), batch 50, GMRES to a relative
residual of 1e-8 (at most 1000 operator applications); n = 100, 50 equalities, 50 inequalities, 1000 training and
200 test samples, p_j = eps_j ((B u)_j / sqrt(5) + 3)^4 / 3^4 - 1 with B ~ Bernoulli(0.5), eps ~ U[0.5, 1.5]; every
epoch ends with the test set's mean normalized regret |f(y*(p_hat); p) - f(y*(p); p)| / |f(y*(p); p)| (as foldopt's
epochs do). The data are drawn here, not read from foldopt.

Prints per epoch: CPU seconds (time.process_time, the whole process), wall seconds, the test regret, the mean GMRES
iterations per backward (the batch's largest) and the mean forward (projected gradient) iterations per solve (the
batch's largest), and the instances whose forward reached the iteration cap. --batches k runs k / 20 of every
epoch (k minibatches, and the test regret on the first 10 k test samples), for timing a part of an epoch.

Usage: python3 nonconvexqp_folded.py [--epochs 2] [--threads 1] [--json] [--check] [--batches k]
  --check  asserts, at n = 6 with 2 equalities and 3 inequalities, that the layer's gradient matches central finite
           differences of the loss, then exits
"""
import sys

import cvxopt
import cvxopt.solvers
import torch

from folded_torch import EpochClock, end_epoch, epoch_summary, finite_difference_check, folded, main

torch.set_default_dtype(torch.float64)
cvxopt.solvers.options["show_progress"] = False

N, EQ, INEQ, FEATURES, TRAIN, TEST, DEGREE, NOISE = 100, 50, 50, 5, 1000, 200, 4, 0.5
BATCH, LR, ALPHA = 50, 5e-2, 0.5
SOLVE_TOL, BACKWARD_TOL, RESTART, MAXITER, FORWARD_MAXITER, ACTIVE_TOL = 1e-10, 1e-8, 50, 1000, 2000, 1e-8


class Polyhedron:
    """C = {y : A y = b, G y <= h} with the Euclidean projection onto it (cvxopt, then polished on the active set)."""

    def __init__(self, a, b, g, h):
        self.a, self.b, self.g, self.h = a, b, g, h
        self.n = a.shape[1]
        self._cvx = [cvxopt.spmatrix(1.0, range(self.n), range(self.n)), cvxopt.matrix(g.numpy()),
                     cvxopt.matrix(h.numpy()), cvxopt.matrix(a.numpy()), cvxopt.matrix(b.numpy())]

    def _polish(self, v, active):
        """The projection of v onto {A y = b, G_S y = h_S}, and whether it is the projection onto C."""
        c = torch.cat([self.a, self.g[active]])
        d = torch.cat([self.b, self.h[active]])
        lam = torch.linalg.solve(c @ c.T, c @ v - d)
        y = v - c.T @ lam
        ok = bool((lam[self.a.shape[0]:] >= -1e-12).all()) and bool((self.g @ y <= self.h + 1e-10).all())
        return y, ok

    def project_one(self, v):
        """Proj_C(v) for one v (n)."""
        p, g, h, a, b = self._cvx
        r = cvxopt.solvers.qp(p, cvxopt.matrix(-v.numpy()), g, h, a, b)
        if r["status"] != "optimal":
            raise ArithmeticError(f"projection onto C: cvxopt status {r['status']}")
        x = torch.tensor(list(r["x"]))
        z = torch.tensor(list(r["z"]))
        slack = self.h - self.g @ x
        y, ok = self._polish(v, z > slack)
        return y if ok else x

    def null_space_basis(self, y):
        """An orthonormal basis (n, m) of the row space of C_S = [A; G_S], S = {i : h_i - (G y)_i <= 1e-8}."""
        active = self.h - self.g @ y <= ACTIVE_TOL
        c = torch.cat([self.a, self.g[active]])
        u, s, _ = torch.linalg.svd(c.T, full_matrices=False)
        return u[:, s > 1e-10 * s[0]]


class Projection(torch.autograd.Function):
    """Proj_C row-wise (B, n); VJP g -> g - Z Z^T g per row, Z an orthonormal basis of the active rows C_S."""

    @staticmethod
    def forward(ctx, v, polyhedron):
        y = torch.stack([polyhedron.project_one(row) for row in v])
        bases = [polyhedron.null_space_basis(row) for row in y]
        z = torch.zeros(v.shape[0], v.shape[1], max(b.shape[1] for b in bases))
        for i, basis in enumerate(bases):
            z[i, :, :basis.shape[1]] = basis
        ctx.save_for_backward(z)
        return y

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g - (z @ (z.transpose(1, 2) @ g.unsqueeze(2))).squeeze(2), None


class NonconvexQp:
    """The DC3 nonconvex QP with its folded PGD layer."""

    def __init__(self, n, eq, ineq, seed):
        g = torch.Generator().manual_seed(seed)
        self.q = torch.rand(n, generator=g)
        b = torch.rand(eq, generator=g)
        a = torch.randn(eq, n, generator=g)
        gm = torch.randn(ineq, n, generator=g)
        a_plus = torch.linalg.pinv(a)
        h = (gm @ a_plus).abs().sum(1)
        self.start = a_plus @ b
        assert bool((gm @ self.start <= h + 1e-12).all()), "A^+ b should be feasible"
        self.set = Polyhedron(a, b, gm, h)

    def objective(self, y, p):
        """f(y; p) = 1/2 y^T Q y + p^T sin(y) per row."""
        return 0.5 * (self.q * y * y).sum(1) + (p * torch.sin(y)).sum(1)

    def update(self, y, p, step=ALPHA):
        """U(y, p) = Proj_C(y - step (q y + p cos y)), step a scalar or a column (B, 1)."""
        return Projection.apply(y - step * (self.q * y + p * torch.cos(y)), self.set)

    def solve(self, p, options):
        """Projected gradient from A^+ b, each row until its fixed-point residual is at most the forward tolerance or
        for FORWARD_MAXITER iterations (counted in options["capped"])."""
        step = (1.0 / (self.q + p.abs()).max(1, keepdim=True).values).clamp_max(ALPHA)
        y = self.start.expand(p.shape[0], -1).clone()
        live = torch.arange(p.shape[0])
        for k in range(FORWARD_MAXITER):
            z = self.update(y[live], p[live], step[live])
            res = (z - y[live]).norm(dim=1) / y[live].norm(dim=1).clamp_min(1.0)
            if not bool(torch.isfinite(res).all()):
                raise ArithmeticError(f"projected gradient diverged at iteration {k}")
            y[live] = z
            live = live[res > options["forward_tol"]]
            if len(live) == 0:
                break
        options["forward"].append(k + 1)
        options["capped"] = options.get("capped", 0) + len(live)
        return y

    def layer(self, p, options):
        return folded(lambda t: self.solve(t, options), self.update, options, p)


def truth_data(n, count, seed):
    """u ~ N(0, I_5), p_j = eps_j ((B u)_j / sqrt(5) + 3)^4 / 3^4 - 1."""
    g = torch.Generator().manual_seed(seed)
    bern = (torch.rand(n, FEATURES, generator=g) < 0.5).to(torch.float64)
    u = torch.randn(count, FEATURES, generator=g)
    eps = 1 - NOISE + 2 * NOISE * torch.rand(count, n, generator=g)
    return u, eps * (u @ bern.T / FEATURES ** 0.5 + 3) ** DEGREE / 3 ** DEGREE - 1


def new_options(forward_tol=SOLVE_TOL, backward_tol=BACKWARD_TOL):
    return {"tol": backward_tol, "restart": RESTART, "maxiter": MAXITER, "forward_tol": forward_tol,
            "iterations": [], "forward": []}


def batches_limit():
    """--batches k (removed from sys.argv for folded_torch.main), or None."""
    if "--batches" in sys.argv:
        i = sys.argv.index("--batches")
        k = int(sys.argv[i + 1])
        del sys.argv[i:i + 2]
        return k
    return None


BATCHES = batches_limit() if __name__ == "__main__" else None


def train(method, epochs, seed=0):
    torch.manual_seed(seed)
    problem = NonconvexQp(N, EQ, INEQ, seed)
    u, p = truth_data(N, TRAIN + TEST, seed + 1)
    model = torch.nn.Linear(FEATURES, N)
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    options = new_options()
    tests = TEST if BATCHES is None else BATCHES * TEST * BATCH // TRAIN
    test_u, test_p = u[TRAIN:TRAIN + tests], p[TRAIN:TRAIN + tests]
    with torch.no_grad():
        optimal = problem.objective(problem.solve(test_p, new_options()), test_p)
    g = torch.Generator().manual_seed(seed)
    clocks, regrets, capped = [], [], []
    for _ in range(epochs):
        perm = torch.randperm(TRAIN, generator=g)
        with EpochClock() as clock:
            for start in range(0, TRAIN if BATCHES is None else BATCHES * BATCH, BATCH):
                idx = perm[start:start + BATCH]
                y = problem.layer(model(u[idx]), options)
                loss = problem.objective(y, p[idx]).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                achieved = problem.objective(problem.solve(model(test_u), options), test_p)
                regrets.append(float(((achieved - optimal).abs() / optimal.abs()).mean()))
        clocks.append(clock)
        end_epoch(options)
        capped.append(options.pop("capped", 0))
    return {**epoch_summary(clocks, options, "normalized_regret", regrets), "capped": capped}


def check():
    """The folded gradient of the loss in p_hat against central differences, at n = 6, 2 equalities, 3 inequalities."""
    problem = NonconvexQp(6, 2, 3, 2)
    _, p = truth_data(6, 4, 3)
    p_hat = (2 * p + 0.5 * torch.randn(p.shape, generator=torch.Generator().manual_seed(4))).requires_grad_()
    options = new_options(forward_tol=1e-14, backward_tol=1e-13)

    def loss():
        return problem.objective(problem.layer(p_hat, options), p).mean()

    err = finite_difference_check(loss, p_hat, eps=1e-6)
    assert options.get("capped", 0) == 0, "the check's forward solves should converge"
    y = problem.layer(p_hat.detach(), options)
    active = int((problem.set.h - y @ problem.set.g.T <= ACTIVE_TOL).sum())
    assert 0 < active < 3 * y.shape[0], f"the check's instances should have active and inactive inequalities: {active}"
    print(f"folded-pgd: gradient matches central differences (largest relative error {err:.2e}, "
          f"{active} of {3 * y.shape[0]} inequalities active)")


if __name__ == "__main__":
    main(["folded-pgd"], train, check)
