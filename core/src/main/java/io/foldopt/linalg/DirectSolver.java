package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;
import io.foldopt.status.Status;
import java.util.Arrays;
import java.util.Locale;

/**
 * Direct solve by materializing {@code A}: application j feeds every row the unit vector {@code e_j} and yields column
 * j of every {@code A_b} (n applications in all, reported as the iterations; instances with {@code g_b = 0} are
 * skipped). Then, per instance and in parallel across instances:
 * <ol>
 *   <li><b>reduction</b>: let Z be the columns of {@code A} that are exactly {@code e_j} (the fixed-point map does not
 *       depend on {@code x_j}, e.g. a clamped coordinate) and R the others. Then {@code A_RZ = 0} and
 *       {@code A_ZZ = I}, so {@code A v = g} splits into {@code A_RR v_R = g_R} and
 *       {@code v_Z = g_Z - A_ZR v_R}, and {@code det A = det A_RR};
 *   <li>LU with partial pivoting of {@code A_RR} ({@link DenseLU}): OPTIMAL (the tolerance is not used);
 *   <li>if {@code A_RR} is singular, the Tikhonov-regularized least-squares solution
 *       {@code (A_RR^T A_RR + mu I) v_R = A_RR^T g_R} with {@code mu =} {@value #TIKHONOV}
 *       {@code * ||A_RR||_F^2} (Cholesky of the normal equations): SINGULAR, whatever the residual.
 * </ol>
 * A matrix with a non-finite entry gives {@code v_b = 0} and NUMERICAL_FAILURE.
 *
 * <p>Memory: {@link #memoryBytes}, about {@code 8 n^2 B} bytes for the matrices plus the LU workspace of the
 * instances factored concurrently. A solve whose estimate exceeds the free heap is refused before any work, with an
 * exception that gives the estimate and the alternatives.
 */
public final class DirectSolver implements BatchedLinearSolver {
    /** Tikhonov weight relative to {@code ||A||_F^2} for singular systems. */
    static final double TIKHONOV = 1e-12;
    /** Largest length of a Java array. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Creates the solver; it has no settings of its own. */
    public DirectSolver() {}

    /** @return {@code "DIRECT"} */
    @Override
    public String name() {
        return "DIRECT";
    }

    /** @return the name of the algorithm */
    @Override
    public String toString() {
        return name();
    }

    /**
     * @param batch the number of instances B
     * @param dim the dimension n
     * @return the estimated heap use in bytes of a DIRECT solve: {@code 8 n^2 (B + 3 T) + 32 n B}, the B matrices plus
     *     the LU and least-squares workspace of the {@code T = min(B, threads)} instances factored concurrently
     */
    public static long memoryBytes(int batch, int dim) {
        double concurrent = Math.min(batch, Parallel.threads());
        double bytes = 8.0 * dim * dim * (batch + 3 * concurrent) + 32.0 * dim * batch;
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
    }

    /**
     * @param batch the number of instances B
     * @param dim the dimension n
     * @return why a DIRECT solve of this size cannot run here (its memory estimate against the free heap, after a
     *     garbage collection if the estimate exceeds the heap not yet in use, or the size of one Java array), or null
     *     if it fits
     */
    static String refusal(int batch, int dim) {
        long need = memoryBytes(batch, dim);
        long matrices = (long) batch * dim * dim;
        long free = freeHeap();
        if (matrices <= MAX_ARRAY && need > free && need <= Runtime.getRuntime().maxMemory()) {
            // Garbage counts as used until a collection; decide on the heap that is really in use.
            System.gc();
            free = freeHeap();
        }
        if (matrices <= MAX_ARRAY && need <= free) {
            return null;
        }
        String sizes = "DIRECT needs about " + bytes(need) + " for " + batch + " dense Jacobians of dimension " + dim
                + " (8 n^2 B bytes plus LU workspace)";
        return matrices > MAX_ARRAY ? sizes + ", more than one Java array holds (" + MAX_ARRAY + " doubles)"
                : sizes + ", but only " + bytes(free) + " of the heap is free";
    }

    /** @return the bytes the heap can still grow by: its maximum minus what is in use (garbage included) */
    private static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - rt.totalMemory() + rt.freeMemory();
    }

    /** @return a byte count in MB or GB with three significant digits */
    static String bytes(long count) {
        return count >= 1L << 30 ? String.format(Locale.ROOT, "%.3g GB", count / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.3g MB", count / (double) (1L << 20));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException before any work, if the solve would not fit in the free heap (the message gives
     *     the estimate and the alternatives)
     */
    @Override
    public BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        SolveBatch s = SolveBatch.start(a, rhs, initialGuess, options);
        int batch = s.batch;
        int n = s.dim;
        String refused = refusal(batch, n);
        if (refused != null) {
            throw new IllegalArgumentException(refused
                    + "; use an iterative solver (GMRES, BiCGSTAB, LFPI, or AUTO, which picks one) or a larger -Xmx");
        }
        double[] matrices = new double[batch * n * n];
        boolean[] identityColumn = new boolean[batch * n];
        boolean[] finite = new boolean[batch];
        materialize(s, matrices, identityColumn, finite);
        Parallel.forEach(batch, (long) n * n * n, b -> {
            if (s.active[b]) {
                solveInstance(s, b, matrices, identityColumn, finite[b]);
            }
        });
        return s.finish(name());
    }

    /** Stores {@code A_b} row-major at {@code b n^2} and flags its columns that equal {@code e_j}. */
    private static void materialize(SolveBatch s, double[] matrices, boolean[] identityColumn, boolean[] finite) {
        int batch = s.batch;
        int n = s.dim;
        double[] unit = new double[batch * n];
        double[] column = new double[batch * n];
        for (int b = 0; b < batch; b++) {
            finite[b] = true;
            if (s.active[b]) {
                s.iterations[b] = n;
            }
        }
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < batch; b++) {
                if (s.active[b]) {
                    unit[b * n + j] = 1;
                    if (j > 0) {
                        unit[b * n + j - 1] = 0;
                    }
                }
            }
            s.op.apply(unit, column);
            for (int b = 0; b < batch; b++) {
                if (!s.active[b]) {
                    continue;
                }
                int o = b * n;
                int base = b * n * n;
                boolean isUnit = true;
                for (int i = 0; i < n; i++) {
                    double c = column[o + i];
                    matrices[base + i * n + j] = c;
                    isUnit &= c == (i == j ? 1.0 : 0.0);
                }
                identityColumn[o + j] = isUnit;
                finite[b] &= Vec.allFinite(column, o, n);
            }
        }
    }

    private static void solveInstance(SolveBatch s, int b, double[] matrices, boolean[] identityColumn,
            boolean finite) {
        int n = s.dim;
        int o = b * n;
        int base = b * n * n;
        double[] x = s.x;
        if (!finite) {
            Arrays.fill(x, o, o + n, 0.0);
            s.fail(b, SolveBatch.NON_FINITE);
            return;
        }
        int[] rest = new int[n];
        int r = 0;
        for (int j = 0; j < n; j++) {
            if (!identityColumn[o + j]) {
                rest[r++] = j;
            }
        }
        rest = Arrays.copyOf(rest, r);
        double[] solutionR = new double[r];
        for (int p = 0; p < r; p++) {
            solutionR[p] = s.rhs[o + rest[p]];
        }
        DenseLU lu = DenseLU.factorInPlace(gather(matrices, base, n, rest), r);
        Status status;
        if (lu.isSingular()) {
            solutionR = regularizedLeastSquares(gather(matrices, base, n, rest), r, solutionR);
            status = Status.SINGULAR;
        } else {
            lu.solveInPlace(solutionR);
            status = Status.OPTIMAL;
        }
        Arrays.fill(x, o, o + n, 0.0);
        for (int p = 0; p < r; p++) {
            x[o + rest[p]] = solutionR[p];
        }
        // v_z = g_z - A_zR v_R for z in Z. The full dot (A v)_z equals A_zR v_R while v_Z is zero, and stays so as
        // the v_z are filled in: A[z][z'] = 0 for z' in Z other than z, and A[z][z] v_z is read before v_z is set.
        if (r < n) {
            for (int z = 0; z < n; z++) {
                if (identityColumn[o + z]) {
                    x[o + z] = s.rhs[o + z] - Vec.dot(matrices, base + z * n, x, o, n);
                }
            }
        }
        s.stop(b, status);
    }

    /** @return the {@code r x r} row-major submatrix {@code A[rest][rest]} of the matrix stored at {@code base} */
    private static double[] gather(double[] matrices, int base, int n, int[] rest) {
        int r = rest.length;
        double[] sub = new double[r * r];
        if (r == n) {
            System.arraycopy(matrices, base, sub, 0, n * n);
            return sub;
        }
        for (int p = 0; p < r; p++) {
            int row = base + rest[p] * n;
            for (int q = 0; q < r; q++) {
                sub[p * r + q] = matrices[row + rest[q]];
            }
        }
        return sub;
    }

    /**
     * @return {@code v = (M^T M + mu I)^{-1} M^T g} with {@code mu = TIKHONOV ||M||_F^2} for the {@code r x r} matrix M
     *     (0 if {@code M = 0}), by the {@link Cholesky} factorization of the (lower triangle of the) normal matrix
     *     shifted by {@code mu}; every pivot is at least {@code mu} in exact arithmetic, and should rounding push one
     *     to zero the shift grows tenfold until the factorization succeeds
     */
    private static double[] regularizedLeastSquares(double[] m, int r, double[] g) {
        double[] v = new double[r];
        double frobenius2 = Vec.dot(m, 0, m, 0, r * r);
        if (!(frobenius2 > 0)) {
            return v;
        }
        double[] normal = new double[r * r];
        for (int i = 0; i < r; i++) {
            int row = i * r;
            Vec.axpy(g[i], m, row, v, 0, r);
            for (int p = 0; p < r; p++) {
                double mip = m[row + p];
                if (mip != 0) {
                    Vec.axpy(mip, m, row, normal, p * r, p + 1);
                }
            }
        }
        Cholesky factor = Cholesky.factor(normal, r, TIKHONOV * frobenius2, 0.0);
        for (double shift = 10 * TIKHONOV * frobenius2; !factor.isPositiveDefinite(); shift *= 10) {
            factor = Cholesky.factor(normal, r, shift, 0.0);
        }
        factor.solveInPlace(v);
        return v;
    }
}
