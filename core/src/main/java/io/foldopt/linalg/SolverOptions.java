package io.foldopt.linalg;

/**
 * Stopping parameters of the batched solvers; settings of one algorithm (such as the GMRES cycle length) belong to
 * that solver.
 *
 * <p>An instance has converged when {@code ||g - A v|| <= tolerance * ||g||} for its true residual. The iteration
 * budget {@code maxIterations} is per instance and counts operator applications for LFPI and GMRES, and iterations for
 * BiCGSTAB (each applies {@code A} twice); the true-residual evaluations at the start, at GMRES restarts and at the end
 * are not counted. DIRECT ignores both parameters.
 *
 * @param tolerance relative residual tolerance, in (0, 1)
 * @param maxIterations iteration budget per instance, at least 1
 */
public record SolverOptions(double tolerance, int maxIterations) {
    /** Validates the parameters; throws {@link IllegalArgumentException} naming the offending one. */
    public SolverOptions {
        checkTolerance("tolerance", tolerance);
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
    }

    /** @return tolerance 1e-10, at most 1000 iterations */
    public static SolverOptions defaults() {
        return new SolverOptions(1e-10, 1000);
    }

    /**
     * Checks a relative tolerance: a value of 1 or more would accept the zero vector as a solution of every system.
     *
     * @param name the name of the setting, for the message
     * @param tolerance the value
     * @throws IllegalArgumentException unless {@code 0 < tolerance < 1}
     */
    public static void checkTolerance(String name, double tolerance) {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException(name + " must be a relative tolerance in (0, 1), such as 1e-10, got "
                    + tolerance);
        }
    }

    /**
     * @param newTolerance the relative residual tolerance
     * @return a copy of these options with that value
     */
    public SolverOptions withTolerance(double newTolerance) {
        return new SolverOptions(newTolerance, maxIterations);
    }

    /**
     * @param newMaxIterations the per-instance iteration budget
     * @return a copy of these options with that value
     */
    public SolverOptions withMaxIterations(int newMaxIterations) {
        return new SolverOptions(tolerance, newMaxIterations);
    }
}
