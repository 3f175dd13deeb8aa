package io.foldopt.experiments.support;

import io.foldopt.experiments.ExperimentConfig;
import io.foldopt.fold.FoldOptions;
import io.foldopt.status.FailurePolicy;

/** The folded layers' options of an experiment run. */
public final class FoldSettings {
    private FoldSettings() {}

    /**
     * @return the defaults with the run's backward method and tolerance, and {@link FailurePolicy#FLAG}, so that
     *     a rare unconverged backward solve does not abort training but is counted in the run's failures
     */
    public static FoldOptions of(ExperimentConfig config) {
        return FoldOptions.defaults().withSolver(config.backward()).withTolerance(config.tolerance())
                .withOnFailure(FailurePolicy.FLAG);
    }
}
