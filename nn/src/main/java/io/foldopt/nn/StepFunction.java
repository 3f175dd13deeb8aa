package io.foldopt.nn;

import io.foldopt.autodiff.Var;
import java.util.function.ObjDoubleConsumer;

/**
 * The user's part of a training step: the scalar loss {@code L(θ; batch)} as a recorded graph node
 * that depends on the optimizer's parameters (through a model, an optimization layer, or both).
 */
@FunctionalInterface
public interface StepFunction {
    /**
     * @param batch the minibatch
     * @param report receives named per-batch metrics (for instance the seconds an optimization layer
     *     spent in its forward solve); each becomes an extra epoch metric, the mean over the batches
     *     that reported it
     * @return the one-element loss node
     */
    Var loss(Dataset batch, ObjDoubleConsumer<String> report);
}
