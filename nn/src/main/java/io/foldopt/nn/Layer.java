package io.foldopt.nn;

import io.foldopt.autodiff.Var;
import java.util.List;

/**
 * A differentiable map {@code y = f_θ(x)} of a batch {@code x (B, d)} with trainable parameters
 * {@code θ}.
 *
 * <p>A layer is in training mode when made. {@link #train()} and {@link #eval()} switch modes for
 * layers that behave differently (batch statistics vs. running statistics in {@link BatchNorm1d},
 * random masks vs. identity in {@link Dropout}); containers propagate the switch. Layers without
 * such behaviour ignore it.
 */
public interface Layer {
    /** @return {@code f_θ(x)}, recorded in the graph with the current parameter leaves */
    Var forward(Var x);

    /** @return the trainable parameters {@code θ}, in a fixed order (none by default) */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** Sets training ({@code true}) or evaluation ({@code false}) mode; ignored by default. */
    default void setTraining(boolean training) {}

    /** Switches to training mode. */
    default void train() {
        setTraining(true);
    }

    /** Switches to evaluation mode. */
    default void eval() {
        setTraining(false);
    }
}
