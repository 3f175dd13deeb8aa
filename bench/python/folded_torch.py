"""A folded optimization layer in PyTorch, for foldopt's side-by-side benchmarks (shared by the *_folded.py scripts).

Written for foldopt's benchmarks (not taken from any other project). A folded layer, built the way the fold-opt
reference builds one: the forward solver runs without a graph; the backward pass records one update step
u = U(x*, params) at the solution, solves (I - dU/dx)^T v = g by batched GMRES (or LFPI) with autograd VJPs of that
step, and returns (dU/dparams)^T v. GMRES is anchor_backward.gmres (restarted, lockstep over the batch, Givens
rotations; an instance stops extending its basis once it meets the tolerance); LFPI is lfpi below.

Also here: batched FISTA with adaptive restart on a fixed-point step (foldopt's forward solver, run in lockstep over
the batch), the capped-simplex projection, a linear solve with a symmetric positive definite matrix whose inverse is
formed once and reused, a central-difference gradient check and the epoch timer.
"""
import argparse
import json
import time

import torch

from anchor_backward import gmres

torch.set_default_dtype(torch.float64)


class Folded(torch.autograd.Function):
    """x* = solve(params) without a graph; backward by GMRES (or LFPI) on (I - dU/dx)^T v = g through one recorded
    step.

    apply(solve, update, options, *params): solve(*params) -> x* (B, n) with params detached; update(x, *params) ->
    U(x, params) (B, n), differentiable; options: dict with tol, restart, maxiter, optionally solver ("gmres", the
    default, or "lfpi") and a list 'iterations' that receives each backward's iterations (the largest over the
    batch).
    """

    @staticmethod
    def forward(ctx, solve, update, options, *params):
        with torch.no_grad():
            x = solve(*[p.detach() for p in params])
        ctx.update, ctx.options = update, options
        ctx.save_for_backward(x, *params)
        return x

    @staticmethod
    def backward(ctx, g):
        x, *params = ctx.saved_tensors
        wanted = [i for i, p in enumerate(params) if ctx.needs_input_grad[3 + i]]
        o = ctx.options
        with torch.enable_grad():
            xl = x.detach().requires_grad_()
            pl = [p.detach().requires_grad_(i in wanted) for i, p in enumerate(params)]
            u = ctx.update(xl, *pl)

            def matvec(v):
                return v - torch.autograd.grad(u, xl, v, retain_graph=True)[0]

            if o.get("solver", "gmres") == "lfpi":
                v, its = lfpi(matvec, g, o["tol"], o["maxiter"])
            else:
                v, its = gmres(matvec, g, o["tol"], o["restart"], o["maxiter"])
            o["iterations"].append(its)
            grads = torch.autograd.grad(u, [pl[i] for i in wanted], v) if wanted else []
        out = [None] * len(params)
        for i, gi in zip(wanted, grads):
            out[i] = gi
        return (None, None, None, *out)


def lfpi(apply, rhs, tol, max_iterations):
    """Solves apply(v) = rhs for every row by linear fixed-point iteration v <- v + (rhs - apply(v)) from v = 0 (with
    apply(v) = v - Phi^T v this is v <- Phi^T v + rhs, foldopt's Lfpi), in lockstep over the batch; a row stops
    changing once ||rhs - apply(v)|| <= tol ||rhs||. Returns the solutions and the largest number of iterations
    (operator applications) over the batch; raises ArithmeticError on a non-finite residual or after max_iterations.
    """
    v = torch.zeros_like(rhs)
    r = rhs.clone()
    target = tol * rhs.norm(dim=1)
    live = r.norm(dim=1) > target
    iterations = 0
    while bool(live.any()):
        if iterations >= max_iterations:
            raise ArithmeticError(f"LFPI did not converge in {max_iterations} iterations (tolerance {tol})")
        v = v + torch.where(live[:, None], r, torch.zeros_like(r))
        r = rhs - apply(v)
        iterations += 1
        norm = r.norm(dim=1)
        if not bool(torch.isfinite(norm).all()):
            raise ArithmeticError(f"LFPI diverged at iteration {iterations}")
        live &= norm > target
    return v, iterations


def folded(solve, update, options, *params):
    """The folded layer's output x*(params), differentiable in params (see Folded)."""
    return Folded.apply(solve, update, options, *params)


def fista(step, start, tol, maxiter, accelerated=True):
    """Iterates the fixed-point step z = T(y) from start, batched, until ||T(y) - y|| <= tol max(1, ||y||) in every
    row; each row's result is its z = T(y) at its first such y (foldopt's FixedPointIteration: FISTA with the
    gradient restart of O'Donoghue and Candes when accelerated, plain iteration otherwise). All rows are iterated
    in lockstep until the slowest converges.

    Returns (x, iterations) with iterations the lockstep count.
    """
    y = start.clone()
    prev = start.clone()
    t = torch.ones(start.shape[0], 1)
    out = torch.empty_like(start)
    done = torch.zeros(start.shape[0], dtype=torch.bool)
    for k in range(maxiter):
        z = step(y)
        d = z - y
        res = d.norm(dim=1) / y.norm(dim=1).clamp_min(1.0)
        if not bool(torch.isfinite(res).all()):
            raise ArithmeticError(f"fixed-point iteration diverged at iteration {k}")
        newly = (res <= tol) & ~done
        if bool(newly.any()):
            out[newly] = z[newly]
            done |= newly
            if bool(done.all()):
                return out, k + 1
        if accelerated:
            restart = ((y - z) * (z - prev)).sum(1, keepdim=True) > 0
            t = torch.where(restart, torch.ones_like(t), t)
            t_next = 0.5 * (1 + torch.sqrt(1 + 4 * t * t))
            y = z + (t - 1) / t_next * (z - prev)
            prev = z
            t = t_next
        else:
            y = z
    raise ArithmeticError(f"fixed-point iteration did not converge in {maxiter} iterations (tolerance {tol})")


def capped_simplex(y, k):
    """Row-wise projection onto {0 <= x <= 1, 1^T x = k}, differentiable in y.

    The threshold tau with sum_i clamp(y_i - tau, 0, 1) = k is found exactly without a graph (the sum is piecewise
    linear and nonincreasing in tau, with breakpoints y_i and y_i - 1: evaluate it at all 2n of them, interpolate
    between the two that bracket k), then re-expressed on the free set F = {0 < y - tau < 1} as
    tau = (sum_F y + |U| - k) / |F| (U: coordinates at the upper bound) in x = 1_F (y - tau) + 1_U, so autograd gives
    the projection's Jacobian I_F - 1_F 1_F^T / |F| (zero where F is empty).
    """
    with torch.no_grad():
        bp = torch.cat([y, y - 1], 1).sort(dim=1).values
        f = torch.clamp(y.unsqueeze(1) - bp.unsqueeze(2), 0, 1).sum(2)
        j = ((f >= k).sum(1, keepdim=True) - 1).clamp(0, bp.shape[1] - 2)
        b0, b1 = bp.gather(1, j), bp.gather(1, j + 1)
        f0, f1 = f.gather(1, j), f.gather(1, j + 1)
        slope = f0 - f1
        tau0 = torch.where(slope > 0, b0 + (f0 - k) * (b1 - b0) / torch.where(slope > 0, slope, torch.ones_like(slope)),
                           b0)
        free = ((y - tau0 > 0) & (y - tau0 < 1)).to(y.dtype)
        upper = (y - tau0 >= 1).to(y.dtype)
        nfree = free.sum(1, keepdim=True)
    tau = ((y * free).sum(1, keepdim=True) + upper.sum(1, keepdim=True) - k) / nfree.clamp_min(1)
    return free * (y - tau) + upper


class SpdSolve(torch.autograd.Function):
    """x_b = K^{-1} r_b for rows r_b of r (B, n), K symmetric positive definite with its inverse given (formed once
    and reused by every solve with the same K: one (B, n) x (n, n) product per solve);
    VJP: r_bar_b = K^{-1} g_b, K_bar = -sum_b r_bar_b x_b^T."""

    @staticmethod
    def forward(ctx, k, r, k_inverse):
        x = r @ k_inverse
        ctx.save_for_backward(x, k_inverse)
        return x

    @staticmethod
    def backward(ctx, g):
        x, k_inverse = ctx.saved_tensors
        rbar = g @ k_inverse
        kbar = -(rbar.T @ x) if ctx.needs_input_grad[0] else None
        return kbar, rbar, None


def finite_difference_check(loss, param, seed=0, eps=1e-6, directions=3):
    """Asserts that the autograd gradient of loss() with respect to param matches central differences in random
    directions to 1e-5 relative; returns the largest relative error."""
    g = torch.Generator().manual_seed(seed)
    param.grad = None
    loss().backward()
    grad = param.grad.clone()
    worst = 0.0
    for _ in range(directions):
        d = torch.randn(param.shape, generator=g)
        with torch.no_grad():
            param += eps * d
            up = loss().item()
            param -= 2 * eps * d
            down = loss().item()
            param += eps * d
        fd = (up - down) / (2 * eps)
        an = float((grad * d).sum())
        err = abs(fd - an) / max(abs(fd), abs(an), 1e-12)
        worst = max(worst, err)
        assert err <= 1e-5, f"gradient check failed: autograd {an:.10g}, central difference {fd:.10g}"
    return worst


class EpochClock:
    """Wall and process-CPU seconds of a span (time.perf_counter and time.process_time)."""

    def __enter__(self):
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0


def end_epoch(options):
    """Marks the end of an epoch in the counts that options collects (GMRES and forward iterations)."""
    options.setdefault("epoch_ends", []).append({key: len(options.get(key, [])) for key in ("iterations", "forward")})


def epoch_summary(clocks, options, metric, values):
    """One method's result: CPU and wall seconds per epoch, the test metric per epoch, and per epoch the mean GMRES
    iterations per backward and forward iterations per solve recorded in options (where present; epochs marked by
    end_epoch)."""
    r = {"cpu_s_per_epoch": [c.cpu for c in clocks], "wall_s_per_epoch": [c.wall for c in clocks], metric: values}
    for key, name in (("iterations", "gmres_iterations_per_epoch"), ("forward", "forward_iterations_per_epoch")):
        counts = options.get(key)
        if counts:
            ends = [0] + [e[key] for e in options["epoch_ends"]]
            r[name] = [sum(counts[a:b]) / max(1, b - a) for a, b in zip(ends, ends[1:])]
    return r


def main(methods, train, check):
    """The scripts' command line: --epochs (2), --threads (1), --methods (all), --json, --check.

    train(method, epochs) -> epoch_summary(...); check() asserts the gradients at a tiny size and prints them.
    """
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--methods", default=",".join(methods))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.check:
        check()
        return
    out = {"torch": torch.__version__, "threads": args.threads, "epochs": args.epochs, "methods": {}}
    for method in args.methods.split(","):
        out["methods"][method] = train(method, args.epochs)
    if args.json:
        print(json.dumps(out))
        return
    for method, r in out["methods"].items():
        line = [f"{method:12s}"] + [f"{key} " + " ".join(f"{x:.4g}" for x in v) for key, v in r.items()]
        print("  ".join(line))
