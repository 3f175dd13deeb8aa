package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;
import io.foldopt.status.Status;
import java.util.Arrays;

/**
 * Restarted GMRES(m), run in lockstep over the batch.
 *
 * <p>Each instance has its own Arnoldi basis {@code V}, Hessenberg matrix, Givens rotations and least-squares
 * residual estimate; one batched operator application per Arnoldi step serves every instance that is still extending
 * its basis, the others contributing zero rows. Orthogonalization is classical Gram-Schmidt, {@code h = V^T w},
 * {@code w -= V h}, in blocked passes that load each entry of {@code w} once for several basis vectors
 * ({@link Vec#dots}, {@link Vec#subtractCombination}); the pass is repeated once (selective reorthogonalization,
 * Daniel, Gragg, Kaufman and Stewart) when the norm of {@code w} falls below {@value #REORTHOGONALIZE} of its norm
 * before, the severe cancellation in which one classical pass loses orthogonality. Loss of orthogonality could only
 * slow convergence, never fake it: every cycle ends with the true residual. The Hessenberg matrix is reduced to
 * triangular form {@code R} by Givens rotations as it grows, so that {@code |gamma_{k}|}, the last entry of the
 * rotated {@code beta e_1}, is the residual norm of the minimizer over {@code x_0 + K_k}.
 *
 * <p>An instance stops extending when its estimate is at most {@code tol ||g||}, its budget is spent, or its Arnoldi
 * process breaks down. At the end of the cycle it solves {@code R y = gamma}, updates {@code v += V y} and computes
 * the true residual {@code g - A v} (one batched application for all instances of the cycle, not counted as an
 * iteration), which decides: converged, or a new cycle from that residual, or a final status. Breakdowns:
 * <ul>
 *   <li>{@code h_{k+1,k} ~ 0}: the Krylov space is invariant (e.g. {@code A = I}, or step n when
 *       {@code n <= restart}); the update with all k columns is exact up to rounding, and the instance is OPTIMAL
 *       if its true residual meets the tolerance, else a NUMERICAL_FAILURE (breakdown);
 *   <li>a rotated diagonal {@code r_kk ~ 0}: {@code A} is singular on the Krylov space; the update uses the first k-1
 *       columns (the least-squares optimum over that space) and the instance ends with NUMERICAL_FAILURE
 *       (breakdown) unless converged.
 * </ul>
 * Both tests are relative to {@code ||A v_k||} with threshold {@value SolveBatch#BREAKDOWN_TOL}. The cycle length is
 * {@code min(restart, maxIterations, n)}, since a Krylov space of {@code R^n} has dimension at most n.
 */
public final class Gmres implements BatchedLinearSolver {
    /** The cycle length of {@link #Gmres()}. */
    public static final int DEFAULT_RESTART = 50;
    /** Second Gram-Schmidt pass when {@code ||w||} after the first is below this fraction of its norm before. */
    static final double REORTHOGONALIZE = 0.1;

    private final int restart;

    /** Creates GMRES({@value #DEFAULT_RESTART}). */
    public Gmres() {
        this(DEFAULT_RESTART);
    }

    /**
     * Creates GMRES(m).
     *
     * @param restart the cycle length m (Krylov dimension before a restart), at least 1
     */
    public Gmres(int restart) {
        if (restart < 1) {
            throw new IllegalArgumentException("GMRES restart must be >= 1, got " + restart);
        }
        this.restart = restart;
    }

    /** @return the cycle length m */
    public int restart() {
        return restart;
    }

    /** @return {@code "GMRES"} */
    @Override
    public String name() {
        return "GMRES";
    }

    /** @return {@code GMRES(m)} with the cycle length m */
    @Override
    public String toString() {
        return name() + "(" + restart + ")";
    }

    @Override
    public BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        return BatchParts.solve(a, rhs, initialGuess, options, (part, g, guess) -> {
            SolveBatch s = SolveBatch.start(part, g, guess, options);
            new Run(s, restart).run();
            return s.finish(name());
        });
    }

    /** Workspace of one solve; instance {@code b} owns row {@code b} of every {@code B x n} array. */
    private static final class Run {
        private final SolveBatch s;
        private final int batch;
        private final int n;
        private final int m;
        /** {@code basis[j]} holds {@code v_j} of every instance as a {@code B x n} array; idle rows are zero. */
        private final double[][] basis;
        /** {@code A v_j}, orthogonalized in place. */
        private final double[] w;
        /** True residuals at the cycle boundaries. */
        private final double[] r;
        /** Per instance, m columns of length m+1 (column-major): the triangular factor R. */
        private final double[] hess;
        /** Per instance, the second Gram-Schmidt pass's coefficients (length m). */
        private final double[] correction;
        private final double[] cos;
        private final double[] sin;
        /** Per instance, the rotated right-hand side {@code beta e_1} (length m+1), then the solution y. */
        private final double[] gamma;
        /** Number of usable Arnoldi columns of the current cycle. */
        private final int[] steps;
        private final boolean[] extending;
        /** Why the instance fails unless its true residual converges (breakdown, non-finite value), null if none. */
        private final String[] pending;

        Run(SolveBatch s, int restart) {
            this.s = s;
            this.batch = s.batch;
            this.n = s.dim;
            this.m = Math.max(1, Math.min(Math.min(restart, s.options.maxIterations()), n));
            this.basis = new double[m][batch * n];
            this.w = new double[batch * n];
            this.r = new double[batch * n];
            this.hess = new double[batch * m * (m + 1)];
            this.correction = new double[batch * m];
            this.cos = new double[batch * m];
            this.sin = new double[batch * m];
            this.gamma = new double[batch * (m + 1)];
            this.steps = new int[batch];
            this.extending = new boolean[batch];
            this.pending = new String[batch];
        }

        void run() {
            s.initialResidual(r);
            Parallel.forEach(batch, 2L * n, this::settle);
            while (s.anyActive()) {
                for (int j = 0; j < m && SolveBatch.any(extending); j++) {
                    s.op.apply(basis[j], w);
                    int step = j;
                    Parallel.forEach(batch, 4L * (j + 2) * n, b -> arnoldiStep(b, step));
                }
                Parallel.forEach(batch, 2L * m * (n + m), this::update);
                s.residual(s.active, r);
                Parallel.forEach(batch, 2L * n, this::settle);
            }
        }

        /** Decides from the true residual in {@code r} whether active instance b stops or starts a new cycle. */
        private void settle(int b) {
            if (!s.active[b]) {
                return;
            }
            int o = b * n;
            double beta = Vec.norm(r, o, n);
            if (s.meets(b, beta)) {
                stop(b, Status.OPTIMAL, "", beta);
            } else if (!Double.isFinite(beta)) {
                stop(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE, beta);
            } else if (pending[b] != null) {
                stop(b, Status.NUMERICAL_FAILURE, pending[b], beta);
            } else if (s.iterations[b] >= s.options.maxIterations()) {
                stop(b, Status.ITERATION_LIMIT, "", beta);
            } else {
                Vec.scale(1 / beta, r, o, basis[0], o, n);
                gamma[b * (m + 1)] = beta;
                steps[b] = 0;
                extending[b] = true;
            }
        }

        /** Ends instance b, whose true residual (of norm {@code beta}) is in {@code r}. */
        private void stop(int b, Status status, String why, double beta) {
            s.stop(b, status, why, beta);
            extending[b] = false;
            Arrays.fill(basis[0], b * n, (b + 1) * n, 0.0);
        }

        /** Arnoldi step j of instance b: orthogonalize {@code w_b = A v_j}, rotate the new Hessenberg column. */
        private void arnoldiStep(int b, int j) {
            int o = b * n;
            boolean hasNext = j + 1 < m;
            if (!extending[b]) {
                if (hasNext) {
                    Arrays.fill(basis[j + 1], o, o + n, 0.0);
                }
                return;
            }
            s.iterations[b]++;
            int col = (b * m + j) * (m + 1);
            double before = Vec.norm(w, o, n);
            Vec.dots(basis, j + 1, w, o, n, hess, col);
            Vec.subtractCombination(basis, j + 1, hess, col, w, o, n);
            double next = Vec.norm(w, o, n);
            if (next < REORTHOGONALIZE * before) {
                int c = b * m;
                Vec.dots(basis, j + 1, w, o, n, correction, c);
                Vec.subtractCombination(basis, j + 1, correction, c, w, o, n);
                for (int i = 0; i <= j; i++) {
                    hess[col + i] += correction[c + i];
                }
                next = Vec.norm(w, o, n);
            }
            int rot = b * m;
            for (int i = 0; i < j; i++) {
                double hi = hess[col + i];
                double hi1 = hess[col + i + 1];
                hess[col + i] = cos[rot + i] * hi + sin[rot + i] * hi1;
                hess[col + i + 1] = -sin[rot + i] * hi + cos[rot + i] * hi1;
            }
            double diag = hess[col + j];
            double d = Math.hypot(diag, next);
            hess[col + j] = d;
            double columnNorm = Vec.norm(hess, col, j + 1);
            extending[b] = false;
            if (!Double.isFinite(columnNorm)) {
                steps[b] = j;
                pending[b] = SolveBatch.NON_FINITE;
            } else if (d <= SolveBatch.BREAKDOWN_TOL * columnNorm) {
                steps[b] = j;
                pending[b] = SolveBatch.BREAKDOWN;
            } else {
                double c = diag / d;
                double sn = next / d;
                cos[rot + j] = c;
                sin[rot + j] = sn;
                int g = b * (m + 1) + j;
                gamma[g + 1] = -sn * gamma[g];
                gamma[g] *= c;
                steps[b] = j + 1;
                if (next <= SolveBatch.BREAKDOWN_TOL * columnNorm) {
                    pending[b] = SolveBatch.BREAKDOWN;
                } else {
                    extending[b] = !s.meets(b, Math.abs(gamma[g + 1]))
                            && s.iterations[b] < s.options.maxIterations();
                }
            }
            if (hasNext) {
                if (extending[b]) {
                    Vec.scale(1 / next, w, o, basis[j + 1], o, n);
                } else {
                    Arrays.fill(basis[j + 1], o, o + n, 0.0);
                }
            }
        }

        /** Solves {@code R y = gamma} in place (column-oriented back substitution) and updates {@code v += V y}. */
        private void update(int b) {
            if (!s.active[b]) {
                return;
            }
            int k = steps[b];
            int g = b * (m + 1);
            for (int i = k - 1; i >= 0; i--) {
                int col = (b * m + i) * (m + 1);
                double y = gamma[g + i] / hess[col + i];
                gamma[g + i] = y;
                Vec.axpy(-y, hess, col, gamma, g, i);
            }
            if (!Vec.allFinite(gamma, g, k)) {
                pending[b] = SolveBatch.NON_FINITE;
                return;
            }
            int o = b * n;
            for (int i = 0; i < k; i++) {
                Vec.axpy(gamma[g + i], basis[i], o, s.x, o, n);
            }
        }
    }
}
