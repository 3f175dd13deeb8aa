package io.foldopt.algorithms;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Applies a recorded batch map to one instance's plain array with recording off, for forward solvers. */
final class OutsideGraph {
    private OutsideGraph() {}

    /** @return {@code op(v)} for one instance {@code v}, as a {@code (1, len)} batch, without recording */
    static double[] apply(UnaryOperator<Var> op, double[] v) {
        return GradMode.noGrad(() -> op.apply(Var.constant(Tensor.wrap(v, 1, v.length)))).value().data();
    }
}
