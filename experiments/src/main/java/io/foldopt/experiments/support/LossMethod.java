package io.foldopt.experiments.support;

import io.foldopt.autodiff.Var;
import io.foldopt.experiments.LayerStats;
import io.foldopt.experiments.Method;
import io.foldopt.nn.Dataset;

/**
 * A {@link Method} given by its name and its loss function, for methods without extra parameters.
 *
 * @param name the method's name in tables and reports
 * @param loss the training loss of a minibatch from the model's prediction
 */
public record LossMethod(String name, Loss loss) implements Method {

    /** The training loss of a minibatch (see {@link Method#loss}). */
    @FunctionalInterface
    public interface Loss {
        /** @return the scalar loss of the batch given the model's prediction */
        Var of(Var prediction, Dataset batch, LayerStats stats);
    }

    @Override
    public Var loss(Var prediction, Dataset batch, LayerStats stats) {
        return loss.of(prediction, batch, stats);
    }
}
