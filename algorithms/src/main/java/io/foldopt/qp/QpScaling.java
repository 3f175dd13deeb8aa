package io.foldopt.qp;

import io.foldopt.linalg.Vec;
import java.util.Arrays;

/**
 * Ruiz equilibration of a QP: diagonal {@code D (n)}, {@code E (p + m)} and a cost scale {@code c > 0} such that
 * the scaled problem
 *
 * <pre>
 *   P~ = c D P D,   q~ = c D q,   A~ = E_A A D,   b~ = E_A b,   G~ = E_G G D,   h~ = E_G h
 * </pre>
 *
 * has a KKT matrix {@code [P~, A~^T, G~^T; A~, 0, 0; G~, 0, 0]} whose columns all have infinity norm about 1
 * (Ruiz 2001, as in OSQP), and {@code max(mean_j ||P~_j||_inf, ||q~||_inf)} is 1. A primal-dual point of the
 * scaled problem maps back by {@code z = D z~}, {@code nu = E_A nu~ / c}, {@code lambda = E_G lambda~ / c};
 * certificates by {@code (nu, lambda) = (E_A nu~, E_G lambda~)} (infeasibility) and {@code d = D d~}
 * (unboundedness). Every factor is a power of two, so scaling and unscaling are exact in floating point.
 */
final class QpScaling {
    /** Ruiz sweeps at most; each halves the spread of the column norms (in log scale). */
    private static final int SWEEPS = 25;

    private final QpProblem original;
    private final QpProblem scaled;
    private final double[] d;
    private final double[] e;
    private final double cost;

    private QpScaling(QpProblem original, QpProblem scaled, double[] d, double[] e, double cost) {
        this.original = original;
        this.scaled = scaled;
        this.d = d;
        this.e = e;
        this.cost = cost;
    }

    /** @return the equilibration of {@code pr} (see the class comment) */
    static QpScaling ruiz(QpProblem pr) {
        int n = pr.n;
        int p = pr.p;
        int m = pr.m;
        double[] pm = pr.pm.clone();
        double[] q = pr.q.clone();
        double[] a = pr.a.clone();
        double[] b = pr.b.clone();
        double[] g = pr.g.clone();
        double[] h = pr.h.clone();
        double[] d = new double[n];
        double[] e = new double[p + m];
        Arrays.fill(d, 1.0);
        Arrays.fill(e, 1.0);
        double[] dx = new double[n];
        double[] dc = new double[p + m];
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            Arrays.fill(dx, 0.0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    dx[j] = Math.max(dx[j], Math.abs(pm[i * n + j]));
                }
            }
            for (int i = 0; i < p + m; i++) {
                double[] rows = i < p ? a : g;
                int off = (i < p ? i : i - p) * n;
                double rowNorm = Vec.normInf(rows, off, n);
                for (int j = 0; j < n; j++) {
                    dx[j] = Math.max(dx[j], Math.abs(rows[off + j]));
                }
                dc[i] = factor(rowNorm);
            }
            boolean changed = false;
            for (int j = 0; j < n; j++) {
                dx[j] = factor(dx[j]);
                changed |= dx[j] != 1;
            }
            for (int i = 0; i < p + m; i++) {
                changed |= dc[i] != 1;
            }
            if (!changed) {
                break;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    pm[i * n + j] *= dx[i] * dx[j];
                }
                q[i] *= dx[i];
                d[i] *= dx[i];
            }
            for (int i = 0; i < p + m; i++) {
                double[] rows = i < p ? a : g;
                int off = (i < p ? i : i - p) * n;
                for (int j = 0; j < n; j++) {
                    rows[off + j] *= dc[i] * dx[j];
                }
                if (i < p) {
                    b[i] *= dc[i];
                } else {
                    h[i - p] *= dc[i];
                }
                e[i] *= dc[i];
            }
        }
        double meanColumn = 0;
        for (int j = 0; j < n; j++) {
            double col = 0;
            for (int i = 0; i < n; i++) {
                col = Math.max(col, Math.abs(pm[i * n + j]));
            }
            meanColumn += col / n;
        }
        double size = Math.max(meanColumn, Vec.normInf(q));
        double cost = size > 0 && Double.isFinite(size) ? powerOfTwo(1 / size) : 1.0;
        for (int i = 0; i < n * n; i++) {
            pm[i] *= cost;
        }
        for (int j = 0; j < n; j++) {
            q[j] *= cost;
        }
        return new QpScaling(pr, new QpProblem(n, pm, q, a, b, g, h), d, e, cost);
    }

    /** @return the power of two nearest {@code 1 / sqrt(norm)}, or 1 for a zero (or non-finite) norm */
    private static double factor(double norm) {
        return norm > 0 && Double.isFinite(norm) ? powerOfTwo(1 / Math.sqrt(norm)) : 1.0;
    }

    /** @return {@code 2^round(log2 x)} for {@code x > 0} */
    private static double powerOfTwo(double x) {
        return Math.scalb(1.0, (int) Math.round(Math.log(x) / Math.log(2)));
    }

    /** @return the problem as given */
    QpProblem original() {
        return original;
    }

    /** @return the scaled problem */
    QpProblem scaled() {
        return scaled;
    }

    /** @return {@code z = D z~} */
    double[] primal(double[] zScaled) {
        double[] z = new double[d.length];
        for (int j = 0; j < z.length; j++) {
            z[j] = d[j] * zScaled[j];
        }
        return z;
    }

    /** @return {@code nu = E_A nu~ / c} */
    double[] equalityMultipliers(double[] nuScaled) {
        return rows(nuScaled, 0, 1 / cost);
    }

    /** @return {@code lambda = E_G lambda~ / c} */
    double[] inequalityMultipliers(double[] lambdaScaled) {
        return rows(lambdaScaled, original.p, 1 / cost);
    }

    /** @return {@code E_A nu~} ({@code from = 0}) or {@code E_G lambda~} ({@code from = p}), times {@code factor} */
    double[] rows(double[] v, int from, double factor) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = e[from + i] * v[i] * factor;
        }
        return out;
    }
}
