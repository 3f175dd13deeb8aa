package io.foldopt.linalg;

import io.foldopt.status.Status;
import java.util.Arrays;
import java.util.Objects;

/**
 * The state of one batched solve shared by all methods: operator, right-hand sides {@code g} and their norms, the
 * iterates {@code v} (which become the returned solution), per-instance iteration counts and outcomes, and the scratch
 * buffers of the true residual {@code g - A v}.
 *
 * <p>{@link #start} validates the inputs and settles every instance with {@code g_b = 0} ({@code v_b = 0},
 * converged, 0 iterations). An instance is <em>active</em> until a solver gives it a status with {@link #stop}.
 */
final class SolveBatch {
    /** Relative size below which a Krylov recurrence quantity is treated as zero (breakdown). */
    static final double BREAKDOWN_TOL = 1e-14;
    /** Detail of a {@link Status#NUMERICAL_FAILURE} caused by a breakdown of a Krylov recurrence. */
    static final String BREAKDOWN = "breakdown of the Krylov recurrence";
    /** Detail of a {@link Status#NUMERICAL_FAILURE} caused by a non-finite value of the operator or recurrence. */
    static final String NON_FINITE = "non-finite value";

    final BatchedOperator op;
    final int batch;
    final int dim;
    final SolverOptions options;
    /** Right-hand sides {@code g}, {@code B x n}: the caller's array, never written. */
    final double[] rhs;
    final double[] rhsNorm;
    /** Current iterates {@code v}, {@code B x n}. */
    final double[] x;
    final int[] iterations;
    final boolean[] active;
    private final Status[] status;
    private final String[] detail;
    /** The true residual norm at the solution, NaN until a solver reports it ({@link #stop(int, Status, String, double)}). */
    private final double[] finalResidual;
    private final boolean zeroStart;
    private final double[] applyIn;
    private final double[] applyOut;

    private SolveBatch(BatchedOperator op, double[] rhs, double[] initialGuess, SolverOptions options) {
        this.op = op;
        this.batch = op.batch();
        this.dim = op.dim();
        this.options = options;
        this.rhs = rhs;
        this.rhsNorm = new double[batch];
        this.x = initialGuess == null ? new double[rhs.length] : initialGuess.clone();
        this.iterations = new int[batch];
        this.active = new boolean[batch];
        this.status = new Status[batch];
        this.detail = new String[batch];
        this.finalResidual = new double[batch];
        Arrays.fill(finalResidual, Double.NaN);
        this.zeroStart = initialGuess == null;
        this.applyIn = new double[rhs.length];
        this.applyOut = new double[rhs.length];
        for (int b = 0; b < batch; b++) {
            rhsNorm[b] = Vec.norm(rhs, b * dim, dim);
            active[b] = true;
            if (rhsNorm[b] == 0) {
                Arrays.fill(x, b * dim, (b + 1) * dim, 0.0);
                stop(b, Status.OPTIMAL);
            }
        }
    }

    /**
     * Validates the arguments of {@link BatchedLinearSolver#solve} and returns the initial state.
     *
     * @throws IllegalArgumentException on a wrong length or a non-finite entry of rhs or initialGuess
     */
    static SolveBatch start(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        validate(a, rhs, initialGuess, options);
        return new SolveBatch(a, rhs, initialGuess, options);
    }

    /**
     * Validates the arguments of {@link BatchedLinearSolver#solve}.
     *
     * @throws IllegalArgumentException on a wrong length or a non-finite entry of rhs or initialGuess
     */
    static void validate(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        Objects.requireNonNull(a, "operator");
        Objects.requireNonNull(rhs, "rhs");
        Objects.requireNonNull(options, "options");
        int batch = a.batch();
        int dim = a.dim();
        checkBatch("rhs", rhs, batch, dim);
        if (initialGuess != null) {
            checkBatch("initialGuess", initialGuess, batch, dim);
        }
    }

    private static void checkBatch(String name, double[] values, int batch, int dim) {
        long expected = (long) batch * dim;
        if (values.length != expected) {
            throw new IllegalArgumentException(name + " has length " + values.length + ", expected batch * dim = "
                    + batch + " * " + dim + " = " + expected);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + " of instance " + i / dim + " has a non-finite entry "
                        + values[i] + " at index " + i % dim);
            }
        }
    }

    /** @return whether {@code residualNorm <= tolerance * ||g_b||} (false for NaN) */
    boolean meets(int b, double residualNorm) {
        return residualNorm <= options.tolerance() * rhsNorm[b];
    }

    /** Ends instance {@code b} with the given status; its current row of {@link #x} is its solution. */
    void stop(int b, Status s) {
        stop(b, s, "");
    }

    /** Ends instance {@code b} with the given status and the finer reason for it (empty if none). */
    void stop(int b, Status s, String why) {
        status[b] = s;
        detail[b] = why;
        active[b] = false;
    }

    /**
     * Ends instance {@code b} like {@link #stop(int, Status, String)}, whose true residual {@code g_b - A v_b} at its
     * final row of {@link #x} has just been computed and has norm {@code residualNorm}: {@link #finish} then takes
     * that norm instead of applying the operator to the instance again.
     */
    void stop(int b, Status s, String why, double residualNorm) {
        stop(b, s, why);
        finalResidual[b] = residualNorm;
    }

    /** Ends instance {@code b} with {@link Status#NUMERICAL_FAILURE} for the given reason. */
    void fail(int b, String why) {
        stop(b, Status.NUMERICAL_FAILURE, why);
    }

    /** @return whether some instance is still active */
    boolean anyActive() {
        return any(active);
    }

    /** @return whether some flag is set */
    static boolean any(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    /** Sets the rows {@code r_b = g_b - A v_b} of the active instances, without applying A on a zero start. */
    void initialResidual(double[] r) {
        if (zeroStart) {
            for (int b = 0; b < batch; b++) {
                if (active[b]) {
                    System.arraycopy(rhs, b * dim, r, b * dim, dim);
                }
            }
        } else {
            residual(active, r);
        }
    }

    /**
     * Sets the rows {@code r_b = g_b - A v_b} for the instances with {@code mask[b]}, with one batched application in
     * which all other rows are zero; the other rows of {@code r} are left unchanged.
     */
    void residual(boolean[] mask, double[] r) {
        applyMasked(mask);
        for (int b = 0; b < batch; b++) {
            if (mask[b]) {
                for (int i = b * dim, end = i + dim; i < end; i++) {
                    r[i] = rhs[i] - applyOut[i];
                }
            }
        }
    }

    private void applyMasked(boolean[] mask) {
        for (int b = 0; b < batch; b++) {
            if (mask[b]) {
                System.arraycopy(x, b * dim, applyIn, b * dim, dim);
            } else {
                Arrays.fill(applyIn, b * dim, (b + 1) * dim, 0.0);
            }
        }
        op.apply(applyIn, applyOut);
    }

    /**
     * Evaluates the true relative residual {@code ||g_b - A v_b|| / ||g_b||} of every instance (with one batched
     * application for those whose solver did not report it when it stopped them) and packages the result; an
     * instance whose residual is not finite gets
     * {@link Status#NUMERICAL_FAILURE}.
     *
     * @param method the name of the solver, recorded in the statistics
     *
     * @throws IllegalStateException if an instance is still active
     */
    BatchSolution finish(String method) {
        boolean[] unknown = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            if (active[b]) {
                throw new IllegalStateException("instance " + b + " has no status");
            }
            unknown[b] = rhsNorm[b] > 0 && Double.isNaN(finalResidual[b]);
        }
        if (any(unknown)) {
            applyMasked(unknown);
        }
        InstanceStats[] stats = new InstanceStats[batch];
        for (int b = 0; b < batch; b++) {
            double relative = 0;
            if (unknown[b]) {
                for (int i = b * dim, end = i + dim; i < end; i++) {
                    applyOut[i] = rhs[i] - applyOut[i];
                }
                relative = Vec.norm(applyOut, b * dim, dim) / rhsNorm[b];
            } else if (rhsNorm[b] > 0) {
                relative = finalResidual[b] / rhsNorm[b];
            }
            boolean finite = Double.isFinite(relative);
            stats[b] = new InstanceStats(method, iterations[b], relative,
                    finite ? status[b] : Status.NUMERICAL_FAILURE, finite ? detail[b] : NON_FINITE);
        }
        return new BatchSolution(x, stats);
    }

    /** The part of a restarting solver that {@link Restarts#settle} calls back. */
    interface Restartable {
        /** Ends instance {@code b} with the status and its finer reason (empty if none). */
        void end(int b, Status status, String why);

        /** Starts the recurrence of instance {@code b} afresh from its true residual, of norm {@code residualNorm}. */
        void restart(int b, double residualNorm);

        /** Sees the true residual norm of a checked instance that has not converged; by default nothing. */
        default void checked(int b, double residualNorm) {}
    }

    /** @return fresh flags of a solver that restarts its recurrence from the true residual */
    Restarts restarts() {
        return new Restarts();
    }

    /**
     * The flags of a solver that computes an instance's true residual {@code g_b - A v_b} when its recurrence
     * estimates convergence or breaks down, and then stops or restarts the recurrence from it (BiCGSTAB, MINRES).
     */
    final class Restarts {
        /** The instance needs its true residual at the end of this iteration. */
        final boolean[] check = new boolean[batch];
        private final boolean[] brokeDown = new boolean[batch];
        private final boolean[] restarted = new boolean[batch];

        private Restarts() {}

        /** Marks a breakdown of instance {@code b}: it gets its true residual at the end of this iteration. */
        void breakDown(int b) {
            brokeDown[b] = true;
            check[b] = true;
        }

        /**
         * Settles active instance {@code b} at the end of an iteration. A checked instance, its true residual in row
         * {@code b} of {@code residual}, ends {@link Status#OPTIMAL} if that meets the tolerance; otherwise
         * {@link Restartable#checked} sees its norm, and it ends {@link Status#NUMERICAL_FAILURE} if the norm is not
         * finite or if it broke down again after a breakdown restarted it, else its recurrence restarts. Then an
         * instance still active that has used its iteration budget ends {@link Status#ITERATION_LIMIT}.
         */
        void settle(int b, double[] residual, Restartable solver) {
            if (!active[b]) {
                return;
            }
            if (check[b]) {
                check[b] = false;
                double norm = Vec.norm(residual, b * dim, dim);
                if (meets(b, norm)) {
                    solver.end(b, Status.OPTIMAL, "");
                    return;
                }
                solver.checked(b, norm);
                if (!Double.isFinite(norm)) {
                    solver.end(b, Status.NUMERICAL_FAILURE, NON_FINITE);
                    return;
                }
                if (brokeDown[b]) {
                    brokeDown[b] = false;
                    if (restarted[b]) {
                        solver.end(b, Status.NUMERICAL_FAILURE, BREAKDOWN);
                        return;
                    }
                    restarted[b] = true;
                }
                solver.restart(b, norm);
            }
            if (iterations[b] >= options.maxIterations()) {
                solver.end(b, Status.ITERATION_LIMIT, "");
            }
        }
    }
}
