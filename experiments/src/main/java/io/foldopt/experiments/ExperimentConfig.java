package io.foldopt.experiments;

import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.SolverOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of one run of an experiment.
 *
 * @param size {@code small} (seconds; tests and CI) or {@code paper} (the papers' sizes)
 * @param epochs training epochs per method
 * @param batch minibatch size
 * @param learningRate the optimizer's learning rate
 * @param backward the folded layers' backward linear solver
 * @param tolerance the folded layers' backward tolerance, in {@code (0, 1)}
 * @param seed seed of the data, the initialization and the shuffling
 * @param settings the experiment-specific settings by name (see {@link Experiment#settings()}), in order
 */
public record ExperimentConfig(Size size, int epochs, int batch, double learningRate,
        BatchedLinearSolver backward, double tolerance, long seed, Map<String, Object> settings) {

    /** Problem and data sizes. */
    public enum Size {
        /** Runs in seconds. */
        SMALL,
        /** The sizes of the papers. */
        PAPER;

        /**
         * @return the size called {@code name}, in any case
         * @throws IllegalArgumentException if it is neither {@code small} nor {@code paper}
         */
        public static Size named(String name) {
            for (Size s : values()) {
                if (s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("size must be small or paper, got '" + name + "'");
        }
    }

    /** Validates the settings. */
    public ExperimentConfig {
        if (size == null || backward == null || settings == null) {
            throw new IllegalArgumentException("size, backward solver and settings must be given");
        }
        if (epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("epochs and batch must be >= 1, got " + epochs + " and " + batch);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        SolverOptions.checkTolerance("tolerance", tolerance);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** A configuration without experiment-specific settings. */
    public ExperimentConfig(Size size, int epochs, int batch, double learningRate,
            BatchedLinearSolver backward, double tolerance, long seed) {
        this(size, epochs, batch, learningRate, backward, tolerance, seed, Map.of());
    }

    /** @return this configuration with the experiment-specific settings replaced by {@code values} */
    public ExperimentConfig withSettings(Map<String, Object> values) {
        return new ExperimentConfig(size, epochs, batch, learningRate, backward, tolerance, seed, values);
    }

    /**
     * @return the integer value of an experiment-specific setting
     * @throws IllegalArgumentException if the configuration has no such integer setting
     */
    public int intSetting(String name) {
        if (settings.get(name) instanceof Integer v) {
            return v;
        }
        throw new IllegalArgumentException("the configuration has no integer setting '" + name + "': " + settings);
    }
}
