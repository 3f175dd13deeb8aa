package io.foldopt.experiments;

import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.SolverOptions;

/**
 * The settings of one run of an experiment.
 *
 * @param size {@code small} (seconds; tests and CI) or {@code paper} (the brief's sizes)
 * @param epochs training epochs per method
 * @param batch minibatch size
 * @param learningRate the optimizer's learning rate
 * @param backward the folded layers' backward linear solver
 * @param tolerance the folded layers' backward tolerance
 * @param seed seed of the data, the initialization and the shuffling
 */
public record ExperimentConfig(Size size, int epochs, int batch, double learningRate, BatchedLinearSolver backward,
        double tolerance, long seed) {

    /** Problem and data sizes. */
    public enum Size {
        /** Runs in seconds. */
        SMALL,
        /** The sizes of the papers (see the brief, section 6). */
        PAPER
    }

    /** Validates the settings. */
    public ExperimentConfig {
        if (size == null || backward == null) {
            throw new IllegalArgumentException("size and backward method must be given");
        }
        if (epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("epochs and batch must be >= 1, got " + epochs + " and " + batch);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        SolverOptions.checkTolerance("tolerance", tolerance);
    }
}
