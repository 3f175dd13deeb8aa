package io.foldopt.nn;

import io.foldopt.autodiff.Var;

/** The elementwise rectifier {@code y = max(x, 0)}, with {@code relu'(0) = 0}. */
public final class ReLU implements Layer {
    @Override
    public Var forward(Var x) {
        return x.relu();
    }
}
