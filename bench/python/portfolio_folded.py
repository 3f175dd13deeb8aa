#!/usr/bin/env python3
"""Seconds per training epoch of the portfolio experiment's folded SQP layer in PyTorch, at foldopt's paper size.

Written for foldopt's benchmarks (not taken from any other project): the same problem, sizes, model, loss, optimizer
and backward settings as `foldopt run portfolio --size paper`, method folded-sqp, the layer built the way the fold-opt
reference builds a folded layer (folded_torch.Folded: forward solver without a graph, one recorded update step,
(I - Phi)^T v = g by LFPI (foldopt's backward for this layer) with autograd VJPs, then the VJP to c):

  x*(c) = argmin_x  f(x, c) = -c^T x + 0.1 ||x||^2   s.t.   g(x) = (x^T S x - 1, 1^T x - 1, -x) <= 0  (m = n + 2)
  S = Sigma / gamma

  U(z, c) = (x + d, lambda_QP) on z = (x, lambda) (2n + 2): one full SQP step, (d, lambda_QP) the solution and
  multipliers of  min_d 1/2 d^T H d + grad f^T d  s.t.  g(x) + J_g(x) d <= 0,  H = 0.2 I + 2 lambda_risk S

The step's QP is solved, and differentiated, through the KKT system of an active set W: with D = diag(1_W),
  [[H, J_g^T D], [D J_g, I - D]] [d; lambda] = [-grad f; -D g]
(inactive multipliers zero), solved batched by torch.linalg.solve_ex, so autograd differentiates it (in x, lambda_risk
through H, and c). Forward (no graph): each instance's QP by a primal-dual active-set method warm-started from the
instance's active set of its previous SQP step: solve the system of W, stop when the multipliers of W are
nonnegative and the other constraints hold, else drop from W the negative multipliers and add the violated
constraints, all instances in one batched solve per round; an instance that has not settled after 8 rounds (or whose
system is singular) is solved by cvxopt.solvers.qp, whose active set (multiplier above slack) starts the rounds
again, and if those do not settle either its cvxopt solution is taken as it is. The SQP runs full steps from
z = 0 until ||z_{k+1} - z_k|| <= 1e-10 max(1, ||z_k||), at most 200 steps (foldopt's
PortfolioProblem.solver(); foldopt iterates the batch in lockstep, here each instance stops at its own tolerance).
Backward: the active set at z* (the QP solved again at z*, warm-started from the forward's last active set), one
recorded step with it, LFPI to 1e-8 (at most 1000 iterations).

Data as foldopt's PortfolioData (drawn here with torch's generator, not read from foldopt): n = 50 assets, 320
samples (the first 256 train), p = 5 features, degree 4, tau = 0.1:
  B ~ Bernoulli(0.5)^{n x p}, L ~ U[-0.0025 tau, 0.0025 tau]^{n x 4}; per sample u ~ N(0, I_p), f ~ N(0, I_4),
  eps ~ N(0, I_n); r = ((0.05 / sqrt(p)) B u + 0.1^{1/deg})^deg + L f + 0.01 tau eps;
  Sigma = L L^T + (0.01 tau)^2 I, gamma = 11.25 wbar^T Sigma wbar, wbar = 1/n.
Training: an MLP u (5) -> 16 ReLU -> n, followed by the fixed map y -> std y + mean (mean and standard deviation
of all training returns), Adam (lr 0.02), batch 32, loss the minibatch's mean normalized regret
(f*(c) - v(x*(c_hat), c)) / |f*(c)| with v(x, c) = c^T x - 0.1 ||x||^2 and f*(c) = v(x*(c), c); every epoch ends
with the test set's mean normalized regret.

Prints per epoch: CPU seconds (time.process_time, the whole process), wall seconds, the test regret, the mean LFPI
iterations per backward (the batch's largest), the mean SQP steps per forward solve (the batch's largest), the
instance QPs per epoch solved by cvxopt ("cvxopt_qps") and of those the ones taken unpolished ("unpolished").

Usage: python3 portfolio_folded.py [--epochs 2] [--threads 1] [--json] [--check]
  --check  asserts, at n = 6 with a tighter risk budget (so that every kind of constraint is active in some instances
           and inactive in others), that the layer's gradient matches central finite differences of w^T x*(c) for a
           random w, and that the active-set QP solve agrees with cvxopt's, then exits
"""
import cvxopt
import cvxopt.solvers
import torch

from folded_torch import EpochClock, end_epoch, epoch_summary, finite_difference_check, folded, main

torch.set_default_dtype(torch.float64)
cvxopt.solvers.options["show_progress"] = False

N, SAMPLES, FEATURES, DEGREE, TAU, FACTORS, HIDDEN = 50, 320, 5, 4, 0.1, 4, 16
BATCH, LR, RIDGE = 32, 2e-2, 0.1
SOLVE_TOL, SOLVE_ITERATIONS, BACKWARD_TOL, BACKWARD_MAXITER = 1e-10, 200, 1e-8, 1000
ACTIVE_SET_ROUNDS, MULTIPLIER_TOL, FEASIBILITY_TOL = 8, 1e-12, 1e-10


def portfolio_data(samples, n, deg, seed, tau=TAU):
    """Features (samples, p), returns (samples, n), Sigma (n, n) and gamma, drawn as PortfolioData draws them."""
    g = torch.Generator().manual_seed(seed)
    bern = (torch.rand(n, FEATURES, generator=g) < 0.5).to(torch.float64)
    load = 0.0025 * tau * (2 * torch.rand(n, FACTORS, generator=g) - 1)
    u = torch.randn(samples, FEATURES, generator=g)
    factors = torch.randn(samples, FACTORS, generator=g)
    eps = torch.randn(samples, n, generator=g)
    r = (0.05 / FEATURES ** 0.5 * u @ bern.T + 0.1 ** (1 / deg)) ** deg + factors @ load.T + 0.01 * tau * eps
    sigma = load @ load.T + (0.01 * tau) ** 2 * torch.eye(n)
    return u, r, sigma, float(11.25 * sigma.sum() / n ** 2)


def value(x, c):
    """v(x, c) = c^T x - 0.1 ||x||^2 per row (the true objective, maximized)."""
    return (c * x).sum(1) - RIDGE * (x * x).sum(1)


class Portfolio:
    """The risk-constrained portfolio problem with its SQP step and folded SQP layer."""

    def __init__(self, sigma, gamma):
        self.n = sigma.shape[0]
        self.m = self.n + 2
        self.s = sigma / gamma
        self.eye = torch.eye(self.n)

    def model(self, z, c):
        """The QP model at z: grad f (B, n), g (B, m), J_g (B, m, n), H (B, n, n) (differentiable)."""
        n, batch = self.n, z.shape[0]
        x = z[:, :n]
        sx = x @ self.s
        g = torch.cat([(x * sx).sum(1, keepdim=True) - 1, x.sum(1, keepdim=True) - 1, -x], 1)
        jg = torch.cat([2 * sx[:, None, :], torch.ones(batch, 1, n), -self.eye.expand(batch, n, n)], 1)
        h = 2 * RIDGE * self.eye + 2 * z[:, n, None, None] * self.s
        return 2 * RIDGE * x - c, g, jg, h

    @staticmethod
    def kkt(model, active):
        """(d, lambda) (B, n), (B, m) from the KKT system of the active sets (B, m), and the systems' info (nonzero:
        singular) (differentiable through torch.linalg.solve_ex)."""
        grad, g, jg, h = model
        w = active.to(grad.dtype)
        k = torch.cat([torch.cat([h, jg.transpose(1, 2) * w[:, None, :]], 2),
                       torch.cat([jg * w[:, :, None], torch.diag_embed(1 - w)], 2)], 1)
        sol, info = torch.linalg.solve_ex(k, torch.cat([-grad, -w * g], 1))
        n = grad.shape[1]
        return sol[:, :n], sol[:, n:], info

    def qp(self, model, active, counts):
        """The step's QP per instance (no graph): (d, lambda, active set), warm-started from the active sets given."""
        active = active.clone()
        d, lam = torch.empty_like(model[0]), torch.empty(active.shape)
        todo = torch.arange(active.shape[0])
        for attempt in range(2):
            for _ in range(ACTIVE_SET_ROUNDS):
                sub = tuple(t[todo] for t in model)
                dt, lt, info = self.kkt(sub, active[todo])
                at = active[todo]
                slack = sub[1] + (sub[2] @ dt[:, :, None])[:, :, 0]
                drop = at & (lt < -MULTIPLIER_TOL)
                add = ~at & (slack > FEASIBILITY_TOL)
                ok = (info == 0) & ~(drop.any(1) | add.any(1)) & torch.isfinite(dt).all(1)
                d[todo[ok]], lam[todo[ok]] = dt[ok], lt[ok]
                active[todo] = torch.where((info == 0)[:, None], (at & ~drop) | add, at)
                todo = todo[~ok]
                if len(todo) == 0:
                    return d, lam, active
            for i in todo.tolist():
                d[i], lam[i], active[i] = self.cvxopt_qp(tuple(t[i] for t in model), i)
                counts["cvxopt_qps"] = counts.get("cvxopt_qps", 0) + 1
                if attempt == 1:
                    counts["unpolished"] = counts.get("unpolished", 0) + 1
        return d, lam, active

    @staticmethod
    def cvxopt_qp(model, instance):
        """One instance's QP by cvxopt.solvers.qp: (d, lambda, active set {lambda_i > slack_i})."""
        grad, g, jg, h = model
        r = cvxopt.solvers.qp(cvxopt.matrix(h.numpy()), cvxopt.matrix(grad.numpy()), cvxopt.matrix(jg.numpy()),
                              cvxopt.matrix((-g).numpy()))
        if r["status"] != "optimal":
            raise ArithmeticError(f"SQP step's QP of instance {instance}: cvxopt status {r['status']}")
        d, lam = torch.tensor(list(r["x"])), torch.tensor(list(r["z"]))
        return d, lam, lam > -(g + jg @ d)

    def solve(self, c, options, state):
        """z* (B, 2n + 2) by full SQP steps from z = 0, each instance until its relative step is at most
        options["forward_tol"]; the last active sets are kept in state["active"]."""
        batch, n = c.shape[0], self.n
        z = torch.zeros(batch, n + self.m)
        active = torch.zeros(batch, self.m, dtype=torch.bool)
        live = torch.arange(batch)
        for k in range(SOLVE_ITERATIONS):
            d, lam, active[live] = self.qp(self.model(z[live], c[live]), active[live], options)
            nxt = torch.cat([z[live, :n] + d, lam], 1)
            res = (nxt - z[live]).norm(dim=1) / z[live].norm(dim=1).clamp_min(1.0)
            if not bool(torch.isfinite(res).all()):
                raise ArithmeticError(f"SQP produced a non-finite step at iteration {k + 1}")
            z[live] = nxt
            live = live[res > options["forward_tol"]]
            if len(live) == 0:
                options["forward"].append(k + 1)
                state["active"] = active
                return z
        raise ArithmeticError(f"SQP did not converge in instance {int(live[0])}: relative step {float(res.max()):.3g} "
                              f"> tolerance {options['forward_tol']:.3g} after {SOLVE_ITERATIONS} iterations")

    def update(self, z, c, state):
        """U(z, c) = (x + d, lambda_QP), recorded, with the QP's active sets found (without a graph) at this z."""
        with torch.no_grad():
            _, _, active = self.qp(self.model(z.detach(), c.detach()), state["active"], {})
        d, lam, info = self.kkt(self.model(z, c), active)
        if bool((info != 0).any()):
            raise ArithmeticError(f"the KKT system of instance {int((info != 0).nonzero()[0])}'s active set at the "
                                  "solution is singular (linearly dependent active constraints)")
        return torch.cat([z[:, :self.n] + d, lam], 1)

    def layer(self, c, options):
        """The state z*(c) (B, 2n + 2), differentiable in c through the folded SQP step."""
        state = {}
        return folded(lambda t: self.solve(t, options, state), lambda z, t: self.update(z, t, state), options, c)

    def decide(self, c, options):
        """x*(c) (B, n) without a graph."""
        with torch.no_grad():
            return self.solve(c, options, {})[:, :self.n]


def new_options(forward_tol=SOLVE_TOL, backward_tol=BACKWARD_TOL):
    return {"tol": backward_tol, "solver": "lfpi", "restart": 50, "maxiter": BACKWARD_MAXITER,
            "forward_tol": forward_tol, "iterations": [], "forward": []}


def regret(x, c, optimal):
    """The mean normalized regret (f*(c) - v(x, c)) / |f*(c)|."""
    return ((optimal - value(x, c)) / optimal.abs()).mean()


def train(method, epochs, seed=0):
    torch.manual_seed(seed)
    u, r, sigma, gamma = portfolio_data(SAMPLES, N, DEGREE, seed)
    problem = Portfolio(sigma, gamma)
    optimal = value(problem.decide(r, new_options()), r)
    train_count = SAMPLES * 4 // 5
    mean, std = float(r[:train_count].mean()), float(r[:train_count].std(unbiased=False))
    net = torch.nn.Sequential(torch.nn.Linear(FEATURES, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, N))
    opt = torch.optim.Adam(net.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    options = new_options()
    g = torch.Generator().manual_seed(seed)
    clocks, regrets, cvxopt_qps, unpolished = [], [], [], []
    for _ in range(epochs):
        perm = torch.randperm(train_count, generator=g)
        with EpochClock() as clock:
            for start in range(0, train_count, BATCH):
                idx = perm[start:start + BATCH]
                x = problem.layer(std * net(u[idx]) + mean, options)[:, :N]
                loss = regret(x, r[idx], optimal[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                test = slice(train_count, SAMPLES)
                x = problem.decide(std * net(u[test]) + mean, options)
                regrets.append(float(regret(x, r[test], optimal[test])))
        clocks.append(clock)
        end_epoch(options)
        cvxopt_qps.append(options.pop("cvxopt_qps", 0))
        unpolished.append(options.pop("unpolished", 0))
    out = epoch_summary(clocks, options, "normalized_regret", regrets)
    out["lfpi_iterations_per_epoch"] = out.pop("gmres_iterations_per_epoch")
    out["sqp_steps_per_epoch"] = out.pop("forward_iterations_per_epoch")
    return {**out, "cvxopt_qps": cvxopt_qps, "unpolished": unpolished}


def check():
    """The folded gradient of w^T x*(c) in c against central differences, at n = 6 with gamma / 5, 12 instances whose
    returns are scaled by factors in [0.1, 2] (so that the budget binds in some and not in others); and the
    active-set QP solve against cvxopt's (to 1e-11) at z* / 2."""
    n, count = 6, 12
    _, r, sigma, gamma = portfolio_data(count, n, DEGREE, 5)
    problem = Portfolio(sigma, gamma / 5)
    g = torch.Generator().manual_seed(6)
    c = ((0.1 + 1.9 * torch.rand(count, 1, generator=g)) * r + 0.05 * torch.randn(r.shape, generator=g))
    c.requires_grad_()
    w = torch.randn(count, n, generator=g)
    options = new_options(forward_tol=1e-14, backward_tol=1e-12)

    def loss():
        return (w * problem.layer(c, options)[:, :n]).sum()

    err = finite_difference_check(loss, c, eps=1e-6)
    with torch.no_grad():
        state = {}
        z = problem.solve(c.detach(), options, state)
        active = state["active"]
        constraints = problem.model(z, c.detach())[1]
        model = problem.model(0.5 * z, c.detach())
        d, lam, qp_active = problem.qp(model, torch.zeros_like(active), {})
    assert bool((z[:, n:][active] > 1e-6).all()) and bool((constraints[~active] < -1e-6).all()), \
        "the check's solutions should be strictly complementary"
    saved = dict(cvxopt.solvers.options)
    cvxopt.solvers.options.update(abstol=1e-11, reltol=1e-11, feastol=1e-11)
    try:
        cvx = [problem.cvxopt_qp(tuple(t[i] for t in model), i) for i in range(count)]
    finally:
        cvxopt.solvers.options.clear()
        cvxopt.solvers.options.update(saved)
    for i, (di, li, ai) in enumerate(cvx):
        assert bool((ai == qp_active[i]).all()) and float((di - d[i]).abs().max()) <= 1e-6 and \
            float((li - lam[i]).abs().max()) <= 1e-6, f"instance {i}: the active-set QP solve differs from cvxopt's"
    kinds = [int(active[:, 0].sum()), int(active[:, 1].sum()), int(active[:, 2:].sum())]
    assert 0 < kinds[0] < count and 0 < kinds[1] < count and 0 < kinds[2] < count * n, \
        f"the check's instances should have active and inactive constraints of every kind: {kinds}"
    print(f"folded-sqp: gradient matches central differences (largest relative error {err:.2e}; active: risk in "
          f"{kinds[0]}, budget in {kinds[1]} of {count} instances, {kinds[2]} of {count * n} bounds; LFPI iterations "
          f"per backward {max(options['iterations'])})")


if __name__ == "__main__":
    main(["folded-sqp"], train, check)
