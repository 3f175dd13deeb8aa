package io.foldopt.operator;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * A linear map {@code K : R^n -> R^m} applied to every row of a batch, never materialized: a sparse matrix, a
 * finite-difference or convolution operator, a composition of such maps, or a user's forward/adjoint pair.
 *
 * <p>{@link #apply} and {@link #adjoint} are recorded operations: their VJPs reach the operand (through the other
 * map, {@code (K x)' = K^T g}) and every differentiable parameter the operator holds (for example the nonzero
 * values of a sparse matrix or the weights of a filter bank). Memory and time are linear in the operator's nonzeros
 * and in the batch. Operands are {@code (B, n)} batches (any leading axes are flattened into the batch) or single
 * vectors {@code (n)}; the result keeps the leading axes.
 *
 * <p>The {@code double[]} forms run the same maps without a graph, for forward solvers.
 */
public interface LinearOperator {
    /** @return {@code m}, the length of {@code K x} */
    int rows();

    /** @return {@code n}, the length of {@code x} */
    int cols();

    /**
     * @param x a batch {@code (B, n)}
     * @return {@code K x} row by row, {@code (B, m)}
     */
    Var apply(Var x);

    /**
     * @param y a batch {@code (B, m)}
     * @return {@code K^T y} row by row, {@code (B, n)}
     */
    Var adjoint(Var y);

    /**
     * {@code K x_b} for the {@code batch} rows of a flat row-major array, without recording.
     *
     * @param x {@code batch * n} values
     * @return {@code batch * m} values
     */
    default double[] apply(double[] x, int batch) {
        return GradMode.noGrad(() -> apply(Var.constant(Tensor.wrap(x, batch, cols())))).value().data();
    }

    /**
     * {@code K^T y_b} for the {@code batch} rows of a flat row-major array, without recording.
     *
     * @param y {@code batch * m} values
     * @return {@code batch * n} values
     */
    default double[] adjoint(double[] y, int batch) {
        return GradMode.noGrad(() -> adjoint(Var.constant(Tensor.wrap(y, batch, rows())))).value().data();
    }

    /**
     * {@code out_b = K x_b} into a caller's array (for loops that reuse their buffers), without recording.
     *
     * @param x {@code batch * n} values
     * @param out {@code batch * m} entries, overwritten
     */
    default void apply(double[] x, int batch, double[] out) {
        OperandShapes.requireLength(this, "apply", out.length, batch, rows());
        System.arraycopy(apply(x, batch), 0, out, 0, out.length);
    }

    /**
     * {@code out_b = K^T y_b} into a caller's array (for loops that reuse their buffers), without recording.
     *
     * @param y {@code batch * m} values
     * @param out {@code batch * n} entries, overwritten
     */
    default void adjoint(double[] y, int batch, double[] out) {
        OperandShapes.requireLength(this, "adjoint", out.length, batch, cols());
        System.arraycopy(adjoint(y, batch), 0, out, 0, out.length);
    }

    /** @return {@code K^T}, sharing this operator's parameters */
    default LinearOperator transpose() {
        return new Transposed(this);
    }

    /**
     * Estimates the operator norm {@code ||K||_2} (the largest singular value) by power iteration on
     * {@code K^T K} from a random start: {@code ||K v_k||} with {@code v_{k+1} = K^T K v_k / ||K^T K v_k||}.
     * The estimate increases towards {@code ||K||_2} from below; a step size rule such as
     * {@code tau sigma ||K||^2 < 1} should leave a margin (for example a factor 1.01).
     *
     * @param iterations number of power iterations, at least 1
     * @param seed seed of the random start
     */
    default double normEstimate(int iterations, long seed) {
        if (iterations < 1) {
            throw new IllegalArgumentException("normEstimate: iterations must be >= 1, got " + iterations);
        }
        double[] v = Tensor.randn(new SplittableRandom(seed), cols()).data();
        double norm = 0;
        for (int k = 0; k < iterations; k++) {
            double len = Vec.norm(v, 0, v.length);
            if (len == 0) {
                return 0;
            }
            Vec.scale(1 / len, v, 0, v, 0, v.length);
            double[] kv = apply(v, 1);
            norm = Vec.norm(kv, 0, kv.length);
            v = adjoint(kv, 1);
        }
        return norm;
    }
}
