package io.foldopt.autodiff;

import io.foldopt.linalg.DenseLU;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Shapes;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Differentiable linear algebra on batches: matrix products, transposes, matrix-vector products and
 * the solution of dense linear systems.
 *
 * <p>Shapes of {@link #matmul}: {@code (..., k) x (k, m) -> (..., m)} (rows of any batch times a
 * shared matrix), {@code (B, p, k) x (B, k, m) -> (B, p, m)} (batch times batch) and
 * {@code (p, k) x (B, k, m) -> (B, p, m)} (shared matrix times batch). Shared matrices are never
 * copied per instance.
 */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /** @return the matrix product of {@code a} and {@code b} (shapes in the class comment) */
    public static Var matmul(Var a, Var b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        Tensor av = a.value();
        Tensor bv = b.value();
        if (sb.length == 2) {
            int k = sb[0];
            int m = sb[1];
            if (sa.length == 0 || sa[sa.length - 1] != k) {
                throw shapeError(sa, sb);
            }
            int rows = Shapes.size(Arrays.copyOf(sa, sa.length - 1));
            int[] so = sa.clone();
            so[so.length - 1] = m;
            Tensor out = Tensor.wrap(Kernels.gemm(av.data(), rows, k, bv), so);
            return Var.op(out, new Var[] {a, b}, (i, g) -> i == 0
                    ? matmul(g, transpose(b))
                    : matmul(transpose(Structure.reshape(a, rows, k)), Structure.reshape(g, rows, m)),
                    i -> i == 0 ? LinearVjp.rightProduct(bv) : null);
        }
        if (sb.length == 3 && (sa.length == 3 || sa.length == 2)) {
            int batch = sb[0];
            int k = sb[1];
            int m = sb[2];
            boolean shared = sa.length == 2;
            int p = sa[sa.length - 2];
            if (sa[sa.length - 1] != k || !shared && sa[0] != batch) {
                throw shapeError(sa, sb);
            }
            Tensor out = Tensor.wrap(Kernels.gemm(av.data(), shared ? 0 : p * k, bv.data(), k * m, batch, p, k, m),
                    batch, p, m);
            return Var.op(out, new Var[] {a, b}, (i, g) -> i == 0
                    ? Arithmetic.reduceTo(matmul(g, transpose(b)), a)
                    : matmul(transpose(a), g));
        }
        throw shapeError(sa, sb);
    }

    private static IllegalArgumentException shapeError(int[] sa, int[] sb) {
        return new IllegalArgumentException("matmul: incompatible shapes " + Arrays.toString(sa) + " x "
                + Arrays.toString(sb));
    }

    /** @return {@code x} with its last two axes swapped */
    public static Var transpose(Var x) {
        return Var.op(x.value().transpose(), new Var[] {x}, (i, g) -> transpose(g));
    }

    /**
     * @return {@code y_b = A x_b} for a shared {@code A (m, n)} or {@code y_b = A_b x_b} for a batch
     *     {@code A (B, m, n)}, with {@code x (B, n)}; result {@code (B, m)}
     */
    public static Var matvec(Var a, Var x) {
        if (a.value().rank() == 2) {
            return matmul(x, transpose(a));
        }
        int batch = x.dim(0);
        int n = x.dim(-1);
        Var col = Structure.reshape(x, batch, n, 1);
        return Structure.reshape(matmul(a, col), batch, a.dim(1));
    }

    /**
     * Solves {@code A z_b = r_b} for every instance, with a shared {@code A (n, n)} or a batch
     * {@code A (B, n, n)} and right-hand sides {@code r (B, n)} (or one {@code r (n)} with a shared
     * {@code A}). Differentiable in both: {@code dr = A^{-T} g}, {@code dA = -(A^{-T} g) z^T}.
     *
     * @throws ArithmeticException naming the instance if a matrix is singular
     */
    public static Var solve(Var a, Var r) {
        int[] sa = a.shape();
        boolean shared = sa.length == 2;
        int n = sa.length < 2 ? -1 : sa[sa.length - 1];
        if (sa.length < 2 || sa[sa.length - 2] != n || r.rank() == 0 || r.dim(-1) != n
                || !shared && (sa.length != 3 || r.rank() != 2 || r.dim(0) != sa[0])) {
            throw new IllegalArgumentException("solve: incompatible shapes " + Arrays.toString(sa) + " and "
                    + Arrays.toString(r.shape()));
        }
        int rows = r.value().size() / n;
        double[] ad = a.value().data();
        double[] rd = r.value().data();
        DenseLU[] lu = new DenseLU[shared ? 1 : rows];
        Parallel.forEach(lu.length, (long) n * n * n,
                t -> lu[t] = DenseLU.factor(shared ? ad : Arrays.copyOfRange(ad, t * n * n, (t + 1) * n * n), n));
        for (int t = 0; t < lu.length; t++) {
            if (lu[t].isSingular()) {
                throw new ArithmeticException("solve: matrix " + (shared ? "" : "of instance " + t + " ")
                        + "is singular");
            }
        }
        Tensor zt = Tensor.wrap(substitute(lu, rd, n, false), r.shape());
        Var[] self = new Var[1];
        self[0] = Operation.record("solve", new Tensor[] {zt}, new Var[] {a, r}, (g, needsGrad) -> {
            // One transposed solve serves both operands. First order reuses the forward factorization;
            // with graph creation the solve is rebuilt from differentiable operations so that it can be
            // differentiated again.
            Var gr = GradMode.isEnabled() ? solve(transpose(a), g[0])
                    : Var.constant(Tensor.wrap(substitute(lu, g[0].value().data(), n, true), r.shape()));
            Var ga = null;
            if (needsGrad[0]) {
                Var zs = self[0];
                ga = shared
                        ? Arithmetic.scale(matmul(transpose(Structure.reshape(gr, rows, n)),
                                Structure.reshape(zs, rows, n)), -1.0)
                        : Arithmetic.scale(matmul(Structure.reshape(gr, rows, n, 1),
                                Structure.reshape(zs, rows, 1, n)), -1.0);
            }
            return new Var[] {ga, gr};
        })[0];
        return self[0];
    }

    /**
     * @return {@code A_t^{-1} r_t} (or {@code A_t^{-T} r_t}) for every right-hand side row {@code t}, with
     *     one factorization shared by all rows or one per row
     */
    private static double[] substitute(DenseLU[] lu, double[] rhs, int n, boolean transpose) {
        double[] out = new double[rhs.length];
        int rows = rhs.length / n;
        Parallel.forEach(rows, (long) n * n, t -> {
            DenseLU f = lu[lu.length == 1 ? 0 : t];
            double[] b = Arrays.copyOfRange(rhs, t * n, (t + 1) * n);
            System.arraycopy(transpose ? f.solveTranspose(b) : f.solve(b), 0, out, t * n, n);
        });
        return out;
    }
}
