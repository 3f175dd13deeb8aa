package io.foldopt.linalg;

/**
 * Stopping and restart parameters of the batched solvers.
 *
 * <p>An instance has converged when {@code ||g - A v|| <= tolerance * ||g||} for its true residual. The iteration
 * budget {@code maxIterations} is per instance and counts operator applications for LFPI and GMRES, and iterations for
 * BiCGSTAB (each applies {@code A} twice); the true-residual evaluations at the start, at GMRES restarts and at the end
 * are not counted. DIRECT ignores all three parameters.
 *
 * @param tolerance relative residual tolerance, positive and finite
 * @param maxIterations iteration budget per instance, at least 1
 * @param restart GMRES cycle length m (Krylov dimension before a restart), at least 1
 */
public record SolverOptions(double tolerance, int maxIterations, int restart) {
    /** Validates the parameters; throws {@link IllegalArgumentException} naming the offending one. */
    public SolverOptions {
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be positive and finite, got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        if (restart < 1) {
            throw new IllegalArgumentException("restart must be >= 1, got " + restart);
        }
    }

    /** @return tolerance 1e-10, at most 1000 iterations, GMRES restart 50 */
    public static SolverOptions defaults() {
        return new SolverOptions(1e-10, 1000, 50);
    }

    /**
     * @param newTolerance the relative residual tolerance
     * @return a copy of these options with that value
     */
    public SolverOptions withTolerance(double newTolerance) {
        return new SolverOptions(newTolerance, maxIterations, restart);
    }

    /**
     * @param newMaxIterations the per-instance iteration budget
     * @return a copy of these options with that value
     */
    public SolverOptions withMaxIterations(int newMaxIterations) {
        return new SolverOptions(tolerance, newMaxIterations, restart);
    }

    /**
     * @param newRestart the GMRES cycle length
     * @return a copy of these options with that value
     */
    public SolverOptions withRestart(int newRestart) {
        return new SolverOptions(tolerance, maxIterations, newRestart);
    }
}
