package io.foldopt.projection;

import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Var;
import io.foldopt.linalg.DenseLU;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code P = x - A^T y} with {@code y = M^{-1} (A x - b)}, {@code M = A A^T}, for {@code A (m, n)} shared or
 * {@code A (B, m, n)} per instance. With {@code w = M^{-1} A g} and {@code N g = g - A^T w} (the projector onto
 * the null space of {@code A}): {@code (dP/dx)^T g = N g}, {@code (dP/db)^T g = w} and
 * {@code (dP/dA)^T g = -(y (N g)^T + w P^T)}. The LU factors of {@code M} and {@code y} are cached, so a VJP
 * costs {@code O(m n + m^2)} per instance.
 */
final class AffineProjection extends ProjectionOp {
    private final Tensor x;
    private final Tensor value;
    private final double[] a;
    private final boolean shared;
    private final int m;
    private final DenseLU[] factors;
    private final Operand b;
    private final double[] y;

    private AffineProjection(Tensor x, Tensor a, Operand b) {
        super(x.dim(0), x.dim(1));
        this.x = x;
        this.a = a.data();
        this.shared = a.rank() == 2;
        this.m = a.dim(-2);
        this.b = b;
        this.factors = new DenseLU[shared ? 1 : batch];
        this.y = new double[batch * m];
        factor();
        this.value = project();
    }

    /** @see Projections#affine(Var, Var, Var) */
    static Var apply(Var x, Var a, Var b) {
        String name = "affine";
        requireBatch(name, x);
        int batch = x.dim(0);
        int n = x.dim(1);
        int[] s = a.shape();
        if (!(s.length == 2 || s.length == 3 && s[0] == batch) || s[s.length - 1] != n || s[s.length - 2] < 1) {
            throw new IllegalArgumentException(name + ": A must be (m, " + n + ") or (" + batch + ", m, " + n
                    + ") with m >= 1, shape is " + Arrays.toString(s));
        }
        int m = s[s.length - 2];
        if (m > n) {
            throw new IllegalArgumentException(name + ": A has " + m + " rows and " + n + " columns; full row rank"
                    + " needs m <= n");
        }
        int bad = a.value().firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException(name + ": A has a non-finite value (" + a.value().data()[bad] + ")"
                    + (s.length == 3 ? " in instance " + bad / (m * n) : ""));
        }
        Operand rhs = Operand.perCoordinate(name, "b", b, batch, m);
        rhs.require(Double::isFinite, "finite");
        AffineProjection op = new AffineProjection(x.value(), a.value(), rhs);
        return op.record(op.value, x, a, b);
    }

    /**
     * Factors {@code M = A A^T} of every instance.
     *
     * @throws IllegalArgumentException naming the instance if {@code M} is singular: {@code A} does not have
     *     full row rank
     */
    private void factor() {
        Parallel.forEach(factors.length, (long) m * m * n, i -> {
            double[] ai = Arrays.copyOfRange(a, i * m * n, (i + 1) * m * n);
            double[] mm = Kernels.gemm(ai, 0, Tensor.wrap(ai, m, n).transpose().data(), 0, 1, m, n, m);
            factors[i] = DenseLU.factor(mm, m);
        });
        // Checked here, not inside the parallel loop, where an exception would lose its message.
        for (int i = 0; i < factors.length; i++) {
            if (factors[i].isSingular()) {
                throw new IllegalArgumentException("affine: A A^T is singular" + (shared ? "" : " in instance " + i)
                        + " (a pivot below " + DenseLU.SINGULAR_PIVOT + " times its largest entry): A must have"
                        + " full row rank");
            }
        }
    }

    private Tensor project() {
        double[] xs = x.data();
        double[] out = xs.clone();
        forEachRow(4L * m * n, r -> {
            double[] res = multiply(r, xs);
            for (int i = 0; i < m; i++) {
                res[i] -= b.get(r, i);
            }
            factors[shared ? 0 : r].solveInPlace(res);
            System.arraycopy(res, 0, y, r * m, m);
            subtractTransposed(r, res, out);
        });
        return Tensor.wrap(out, batch, n);
    }

    /** @return {@code A_r v_r} for row {@code r} of the batch {@code v (B, n)} */
    private double[] multiply(int r, double[] v) {
        int aOff = shared ? 0 : r * m * n;
        int vOff = r * n;
        double[] out = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0, ai = aOff + i * n; j < n; j++) {
                s += a[ai + j] * v[vOff + j];
            }
            out[i] = s;
        }
        return out;
    }

    /** {@code out_r -= A_r^T w} for row {@code r} of the batch {@code out (B, n)} */
    private void subtractTransposed(int r, double[] w, double[] out) {
        int aOff = shared ? 0 : r * m * n;
        int off = r * n;
        for (int i = 0; i < m; i++) {
            double wi = w[i];
            for (int j = 0, ai = aOff + i * n; j < n; j++) {
                out[off + j] -= wi * a[ai + j];
            }
        }
    }

    @Override
    Tensor[] vjp(Tensor g, boolean[] needsGrad) {
        double[] gd = g.data();
        double[] w = new double[batch * m];
        double[] ng = gd.clone();
        forEachRow(4L * m * n, r -> {
            double[] wr = multiply(r, gd);
            factors[shared ? 0 : r].solveInPlace(wr);
            System.arraycopy(wr, 0, w, r * m, m);
            subtractTransposed(r, wr, ng);
        });
        // One multiplier solve per instance serves the three operands (x, A, b).
        return new Tensor[] {
            needsGrad[0] ? Tensor.wrap(ng, batch, n) : null,
            needsGrad[1] ? matrixGradient(w, ng) : null,
            needsGrad[2] ? b.reduce(w) : null
        };
    }

    /** @return {@code -(y (N g)^T + w P^T)} per instance, summed over the batch for a shared {@code A} */
    private Tensor matrixGradient(double[] w, double[] ng) {
        double[] p = value.data();
        if (shared) {
            double[] out = new double[m * n];
            Parallel.forEach(m, 2L * batch * n, i -> {
                for (int r = 0; r < batch; r++) {
                    subtractOuter(out, i * n, r, i, w, ng, p);
                }
            });
            return Tensor.wrap(out, m, n);
        }
        double[] out = new double[batch * m * n];
        forEachRow(2L * m * n, r -> {
            for (int i = 0; i < m; i++) {
                subtractOuter(out, (r * m + i) * n, r, i, w, ng, p);
            }
        });
        return Tensor.wrap(out, batch, m, n);
    }

    /** {@code out[o..o+n) -= y_ri (N g)_r + w_ri P_r}: row {@code i} of instance {@code r}'s contribution */
    private void subtractOuter(double[] out, int o, int r, int i, double[] w, double[] ng, double[] p) {
        double yi = y[r * m + i];
        double wi = w[r * m + i];
        for (int j = 0, t = r * n; j < n; j++, t++) {
            out[o + j] -= yi * ng[t] + wi * p[t];
        }
    }

    @Override
    Var frozen(Var[] in) {
        Var am = in[1];
        Var at = LinearAlgebra.transpose(am);
        Var residual = LinearAlgebra.matvec(am, in[0]).sub(in[2]);
        Var multiplier = LinearAlgebra.solve(LinearAlgebra.matmul(am, at), residual);
        return in[0].sub(LinearAlgebra.matvec(at, multiplier));
    }
}
