package io.foldopt.algorithms;

import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.prox.Prox;
import io.foldopt.tensor.Tensor;

/**
 * What the ADMM sweeps of {@link AdmmQp} and {@link MatrixFreeAdmmQp} share, whatever solves their x-update: the
 * state {@code s = (x, z, y) (B, n + 2m)}, the parameters {@code q (B, n), l (B, m), u (B, m)}, the right-hand side's
 * dual part {@code rho z - y}, and the z- and y-updates from {@code A x+}:
 *
 * <pre>
 *   z+ = clip(A x+ + y / rho, l, u)
 *   y+ = y + rho (A x+ - z+)
 * </pre>
 */
final class OsqpSweep {
    private static final String[] PARAMS = {"q", "l", "u"};

    private final String name;
    private final int n;
    private final int m;
    private final double rho;

    /**
     * @param name the algorithm's name, for messages
     * @param n the number of variables
     * @param m the number of constraints
     * @param rho the penalty {@code rho > 0}
     */
    OsqpSweep(String name, int n, int m, double rho) {
        this.name = name;
        this.n = n;
        this.m = m;
        this.rho = rho;
    }

    /** @return {@code n + 2m} */
    int stateDim() {
        return n + 2 * m;
    }

    /** @return {@code x}, the first {@code n} columns of the state */
    Var x(Var s) {
        return s.slice(0, n);
    }

    /** @return {@code rho z - y} of the state, recorded */
    Var dualPart(Var s) {
        return s.slice(n, n + m).mul(rho).sub(s.slice(n + m, n + 2 * m));
    }

    /** @return the next state {@code (x+, z+, y+)} from {@code x+} and {@code A x+}, recorded */
    Var next(Var s, Var xNext, Var ax, Var[] params) {
        Var y = s.slice(n + m, n + 2 * m);
        Var zNext = Prox.boxIndicator(ax.add(y.mul(1.0 / rho)), params[1], params[2]);
        Var yNext = y.add(ax.sub(zNext).mul(rho));
        return Structure.concat(xNext, zNext, yNext);
    }

    /** Writes {@code rho z - y} of one instance's state {@code from} into {@code w (m)}. */
    void dualPart(double[] from, double[] w) {
        for (int i = 0; i < m; i++) {
            w[i] = rho * from[n + i] - from[n + m + i];
        }
    }

    /** Writes the next state of one instance from {@code x+ (n)} and {@code A x+ (m)}, with its bounds. */
    void next(double[] from, double[] xNext, double[] ax, double[] lo, double[] hi, double[] to) {
        System.arraycopy(xNext, 0, to, 0, n);
        for (int i = 0; i < m; i++) {
            double yi = from[n + m + i];
            double zi = Math.min(Math.max(ax[i] + yi / rho, lo[i]), hi[i]);
            to[n + i] = zi;
            to[n + m + i] = yi + rho * (ax[i] - zi);
        }
    }

    /** Checks that {@code q (B, n), l (B, m), u (B, m)} are finite with {@code l <= u} per instance. */
    void checkParams(Tensor[] params) {
        int batch = FixedPointIteration.checkParams(name, params, PARAMS, new int[] {n, m, m});
        double[] lo = params[1].data();
        double[] hi = params[2].data();
        for (int i = 0; i < batch * m; i++) {
            if (lo[i] > hi[i]) {
                throw new IllegalArgumentException(name + ": infeasible bounds in instance " + i / m + ": l[" + i % m
                        + "] = " + lo[i] + " > u[" + i % m + "] = " + hi[i]);
            }
        }
    }

    /** {@link #checkParams(Tensor[])} of the parameters' values. */
    void checkParams(Var[] params) {
        Tensor[] values = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            values[i] = params[i].value();
        }
        checkParams(values);
    }
}
