package io.foldopt.experiments;

import io.foldopt.autodiff.Var;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Parameter;
import java.util.List;

/**
 * One method an experiment compares: how the training loss of a minibatch is built from the model's
 * prediction (through a folded layer, a baseline layer, or a plain loss).
 */
public interface Method {
    /** @return the method's name in tables and reports, e.g. {@code folded-sqp} */
    String name();

    /**
     * @param prediction the model's output for the batch's features
     * @param batch the minibatch
     * @param stats where the method's optimization layer reports its time and backward solves
     * @return the scalar training loss
     */
    Var loss(Var prediction, Dataset batch, LayerStats stats);

    /** @return trainable parameters besides the model's (e.g. a learned operator inside the layer) */
    default List<Parameter> extraParameters() {
        return List.of();
    }
}
