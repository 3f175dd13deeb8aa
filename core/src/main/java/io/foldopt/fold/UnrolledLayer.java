package io.foldopt.fold;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.function.Function;

/**
 * The unrolling baseline: records {@code K} iterations {@code x_{k+1} = U(x_k, c)} from a start
 * {@code x_0(c)} and returns {@code x_K}; its VJP backpropagates through every iteration. Memory and
 * backward time grow with {@code K}, and the gradient is exact only as {@code K -> infinity}.
 */
public final class UnrolledLayer implements OptimizationLayer {
    private final UpdateMap update;
    private final Function<Tensor[], Tensor> start;
    private final int iterations;

    /**
     * @param update the step {@code U}
     * @param start the initial iterate {@code x_0} from the parameter values (not differentiated)
     * @param iterations the number {@code K >= 1} of recorded steps
     */
    public UnrolledLayer(UpdateMap update, Function<Tensor[], Tensor> start, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("unrolled layer needs at least one iteration, got " + iterations);
        }
        this.update = update;
        this.start = start;
        this.iterations = iterations;
    }

    @Override
    public Var apply(Var... params) {
        Tensor[] values = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            values[i] = params[i].value();
        }
        return GradMode.withGrad(() -> {
            Var x = Var.constant(start.apply(values));
            for (int k = 0; k < iterations; k++) {
                x = update.apply(x, params);
            }
            return x;
        });
    }
}
