#!/usr/bin/env python3
"""Folded backward of the anchor problem in PyTorch, on the data written by `foldopt bench backward`.

Problem: min 1/2 x'Qx + c' sin(x) over the box [lower, upper]^n, solved per instance by projected gradient;
the update is U(x, c) = clamp(x - step (x Q + c cos x), lower, upper). Given the forward solution x*, the
cotangent g and foldopt's DIRECT gradient (all in the data file), this script times the folded backward
  solve (I - Phi^T) v = g with Phi = dU/dx at x*,  then  grad_c = (dU/dc)^T v
with batched restarted GMRES(50) (lockstep over the batch, classical Gram-Schmidt with one reorthogonalization by
torch.bmm, Givens rotations applied through their accumulated product), in double precision, with Phi^T v computed either by
torch.autograd.grad on the recorded step (`autograd`) or by the explicit formula (`explicit`). Optionally it also
times unrolling K projected-gradient steps from x = 0 with autograd (--unrolled K).

Prints one JSON object per variant: seconds per backward (median wall time of --repeat runs after one warm-up),
CPU seconds per backward (process time), iterations, and the relative error against foldopt's DIRECT gradient.

Data file: one JSON header line {"n", "batch", "step", "lower", "upper"} then float64 little-endian arrays
Q (n x n), c (batch x n), g (batch x n), x* (batch x n), DIRECT gradient (batch x n).
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np
import torch


def load(path):
    with open(path, "rb") as f:
        header = json.loads(f.readline().decode("utf-8"))
        raw = np.frombuffer(f.read(), dtype="<f8")
    n, b = header["n"], header["batch"]
    sizes = [n * n, b * n, b * n, b * n, b * n]
    if raw.size != sum(sizes):
        sys.exit(f"{path}: expected {sum(sizes)} values after the header, found {raw.size}")
    parts, off = [], 0
    for s in sizes:
        parts.append(torch.from_numpy(raw[off:off + s].copy()))
        off += s
    q = parts[0].reshape(n, n)
    c, g, x, direct = (p.reshape(b, n) for p in parts[1:])
    return header, q, c, g, x, direct


def gmres(apply, rhs, tol, restart, max_iterations):
    """Solves apply(v) = rhs for every row by restarted GMRES(restart) in lockstep over the batch.

    Per Arnoldi step: one batched operator application, classical Gram-Schmidt with one reorthogonalization
    (four torch.bmm), and the Givens rotations of the new Hessenberg column applied as one product with their
    accumulated orthogonal matrix, so that each instance's residual estimate |gamma_{j+1}| is known at every step.
    An instance that meets the tolerance stops extending its basis (its later columns are zero). Returns the
    solutions and the largest number of iterations over the batch.
    """
    batch, n = rhs.shape
    m = min(restart, n)
    dtype = rhs.dtype
    v = torch.zeros_like(rhs)
    target = tol * rhs.norm(dim=1)
    iterations = torch.zeros(batch, dtype=torch.long)
    total = 0
    r = rhs.clone()
    while True:
        if total > 0:
            r = rhs - apply(v)
        beta = r.norm(dim=1)
        extending = beta > target
        if not bool(extending.any()) or total >= max_iterations:
            break
        basis = torch.zeros(batch, m + 1, n, dtype=dtype)
        basis[:, 0] = torch.where(extending[:, None], r / beta.clamp_min(1e-300)[:, None], 0.0)
        tri = torch.zeros(batch, m, m, dtype=dtype)
        omega = torch.eye(m + 1, dtype=dtype).repeat(batch, 1, 1)
        gamma = torch.zeros(batch, m + 1, dtype=dtype)
        gamma[:, 0] = beta
        k = 0
        for j in range(m):
            w = apply(basis[:, j])
            vj = basis[:, :j + 1]
            h = torch.bmm(vj, w[:, :, None])
            w = w - torch.bmm(vj.transpose(1, 2), h)[:, :, 0]
            h2 = torch.bmm(vj, w[:, :, None])
            w = w - torch.bmm(vj.transpose(1, 2), h2)[:, :, 0]
            norm = w.norm(dim=1)
            col = torch.cat([(h + h2)[:, :, 0], norm[:, None]], dim=1)
            col = torch.bmm(omega[:, :j + 2, :j + 2], col[:, :, None])[:, :, 0]
            a, b = col[:, j], col[:, j + 1]
            d = torch.hypot(a, b)
            ok = extending & (d > 0)
            c = torch.where(ok, a / d.clamp_min(1e-300), 1.0)
            s = torch.where(ok, b / d.clamp_min(1e-300), 0.0)
            col[:, j] = torch.where(ok, d, 1.0)
            col = col[:, :j + 1] * ok[:, None]
            col[:, j] = torch.where(ok, col[:, j], 1.0)
            tri[:, :j + 1, j] = col
            oj = omega[:, j, :j + 2].clone()
            oj1 = omega[:, j + 1, :j + 2].clone()
            omega[:, j, :j + 2] = c[:, None] * oj + s[:, None] * oj1
            omega[:, j + 1, :j + 2] = -s[:, None] * oj + c[:, None] * oj1
            g = gamma[:, j].clone()
            gamma[:, j] = c * g
            gamma[:, j + 1] = -s * g
            iterations += ok.long()
            total += 1
            k = j + 1
            extending = ok & (gamma[:, j + 1].abs() > target) & (norm > 1e-14 * d.clamp_min(1e-300))
            basis[:, j + 1] = torch.where(extending[:, None], w / norm.clamp_min(1e-300)[:, None], 0.0)
            if not bool(extending.any()) or total >= max_iterations:
                break
        y = torch.linalg.solve_triangular(tri[:, :k, :k], gamma[:, :k, None], upper=True)
        v = v + torch.bmm(y.transpose(1, 2), basis[:, :k])[:, 0]
    return v, int(iterations.max())


def folded_backward(q, c, g, x_star, step, lower, upper, tol, vjp):
    x = x_star.clone().requires_grad_(True)
    cc = c.clone().requires_grad_(True)
    with torch.enable_grad():
        u = torch.clamp(x - step * (x @ q + cc * torch.cos(x)), lower, upper)
    mask = ((x_star - step * (x_star @ q + c * torch.cos(x_star)) >= lower)
            & (x_star - step * (x_star @ q + c * torch.cos(x_star)) <= upper)).to(g.dtype)
    d_cos = -c * torch.sin(x_star)

    def phi_t(w):
        if vjp == "autograd":
            return torch.autograd.grad(u, x, w, retain_graph=True)[0]
        mw = mask * w
        return mw - step * (mw @ q.T + d_cos * mw)

    def timed():
        v, iterations = gmres(lambda w: w - phi_t(w), g, tol, 50, 20000)
        if vjp == "autograd":
            grad = torch.autograd.grad(u, cc, v, retain_graph=True)[0]
        else:
            grad = -step * torch.cos(x_star) * mask * v
        return grad, iterations
    return timed


def unrolled_backward(q, c, g, step, lower, upper, steps):
    def timed():
        cc = c.clone().requires_grad_(True)
        x = torch.zeros_like(c)
        for _ in range(steps):
            x = torch.clamp(x - step * (x @ q + cc * torch.cos(x)), lower, upper)
        return torch.autograd.grad(x, cc, g)[0], steps
    return timed


def measure(run, repeat, direct):
    run()
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        grad, iterations = run()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    error = float((grad - direct).norm() / direct.norm())
    return statistics.median(walls), statistics.median(cpus), iterations, error


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="data file written by foldopt bench backward --compare-pytorch")
    p.add_argument("--tol", type=float, default=1e-10, help="relative residual tolerance (default 1e-10)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs after one warm-up (default 3)")
    p.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch threads")
    p.add_argument("--unrolled", type=int, default=0, help="also time unrolling K steps (default 0: no)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    header, q, c, g, x_star, direct = load(args.data)
    step, lower, upper = header["step"], header["lower"], header["upper"]
    variants = [("gmres-autograd", folded_backward(q, c, g, x_star, step, lower, upper, args.tol, "autograd")),
                ("gmres-explicit", folded_backward(q, c, g, x_star, step, lower, upper, args.tol, "explicit"))]
    if args.unrolled > 0:
        variants.append((f"unrolled-{args.unrolled}", unrolled_backward(q, c, g, step, lower, upper, args.unrolled)))
    for name, run in variants:
        wall, cpu, iterations, error = measure(run, args.repeat, direct)
        print(json.dumps({"variant": name, "n": header["n"], "batch": header["batch"], "threads": args.threads,
                          "torch": torch.__version__, "iterations": iterations, "backward_seconds": wall,
                          "cpu_seconds": cpu, "rel_error_vs_direct": error}), flush=True)


if __name__ == "__main__":
    main()
