package io.foldopt.experiments.study;

import io.foldopt.linalg.BatchSolution;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.SolverOptions;
import java.util.Objects;

/**
 * The backward solver that a study installs in an experiment's folded layers: it solves
 * {@code (I - Phi)^T v = g} with the solver, stopping rule and starting point chosen by the study (not the
 * layer's), and keeps the last system and its solution so that the study can inspect {@code Phi}.
 */
final class BackwardProbe implements BatchedLinearSolver {
    /** The starting point {@code v_0} of an iterative backward solve. */
    enum Start {
        /** {@code v_0 = 0}. */
        ZERO,
        /** {@code v_0 = g}, the first LFPI iterate. */
        RHS,
        /** The previous solve's {@code v} when the batch shape matches (warm start), else zero. */
        PREVIOUS
    }

    /**
     * One backward solve.
     *
     * @param operator {@code A = (I - Phi)^T}, applicable after the solve
     * @param rhs the cotangent {@code g}
     * @param solution the solutions and per-instance statistics
     * @param seconds wall-clock seconds of the solve
     */
    record Solve(BatchedOperator operator, double[] rhs, BatchSolution solution, double seconds) {}

    private BatchedLinearSolver solver = BatchedLinearSolver.AUTO;
    private SolverOptions options = SolverOptions.defaults();
    private Start start = Start.ZERO;
    private double[] previous;
    private Solve last;

    /** Solves the next systems with {@code solver} under {@code options} from {@code start}. */
    synchronized void use(BatchedLinearSolver solver, SolverOptions options, Start start) {
        this.solver = Objects.requireNonNull(solver, "solver");
        this.options = Objects.requireNonNull(options, "options");
        this.start = Objects.requireNonNull(start, "start");
    }

    /** Forgets the previous solution (the next warm start begins at zero). */
    synchronized void forgetPrevious() {
        previous = null;
    }

    /** @return the last solve, or null before the first */
    synchronized Solve last() {
        return last;
    }

    /** Solves with the chosen solver, options and start; the layer's own options and guess are ignored. */
    @Override
    public synchronized BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess,
            SolverOptions ignored) {
        double[] guess = switch (start) {
            case ZERO -> null;
            case RHS -> rhs;
            case PREVIOUS -> previous != null && previous.length == rhs.length ? previous : null;
        };
        long t0 = System.nanoTime();
        BatchSolution s = solver.solve(a, rhs, guess, options);
        last = new Solve(a, rhs.clone(), s, (System.nanoTime() - t0) * 1e-9);
        previous = s.solution().clone();
        return s;
    }

    /** @return the chosen solver's name */
    @Override
    public synchronized String name() {
        return solver.name();
    }
}
