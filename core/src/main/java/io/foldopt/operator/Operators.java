package io.foldopt.operator;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Builds structured operators and combines operators without materializing them. Every result is a
 * {@link LinearOperator} whose VJPs reach its operand and the parameters of its parts.
 */
public final class Operators {
    private Operators() {}

    /** @return the identity {@code I_n} */
    public static LinearOperator identity(int n) {
        return new Identity(n);
    }

    /**
     * @param weights {@code w (n)}: a constant for fixed weights, a parameter to learn them
     * @return {@code diag(w)}
     */
    public static LinearOperator diagonal(Var weights) {
        return new Diagonal(weights);
    }

    /**
     * @param factor a scalar {@code s}: a constant, or a parameter to learn it
     * @return {@code s K}
     */
    public static LinearOperator scale(LinearOperator k, Var factor) {
        return new Scaled(k, factor);
    }

    /** @return {@code s K} for a fixed {@code s} */
    public static LinearOperator scale(LinearOperator k, double factor) {
        return new Scaled(k, Var.scalar(factor));
    }

    /**
     * @param terms operators of equal dimensions
     * @return {@code K_1 + ... + K_k}
     */
    public static LinearOperator sum(LinearOperator... terms) {
        return new Sum(terms);
    }

    /**
     * @param factors operators with {@code cols(K_i) = rows(K_{i+1})}
     * @return the product {@code K_1 K_2 ... K_k} ({@code K_k} acts first)
     */
    public static LinearOperator compose(LinearOperator... factors) {
        return new Composition(factors);
    }

    /**
     * The vertical stack {@code [K_1; ...; K_k]} of operators with equal columns, for example the analysis operator
     * of several regularizers: {@code K x} concatenates the blocks {@code K_i x} in order (block {@code i} starts at
     * {@code rows(K_1) + ... + rows(K_{i-1})}), and {@code K^T y = sum_i K_i^T y_i}.
     */
    public static LinearOperator stack(LinearOperator... blocks) {
        return new Stack(blocks);
    }

    /**
     * A user-defined linear map {@code K : R^n -> R^m} from two functions on batches: {@code forward} maps
     * {@code x (B, n)} to {@code K x (B, m)} row by row, {@code adjoint} maps {@code y (B, m)} to {@code K^T y (B, n)}.
     * The functions must not modify their argument. The VJP to the operand is exact when {@code adjoint} is the
     * transpose of {@code forward} (check it with {@link io.foldopt.check.AdjointCheck}); values the functions
     * capture are constants: no gradient reaches them.
     *
     * @throws IllegalStateException when a function returns a result of the wrong shape
     */
    public static LinearOperator of(int rows, int cols, UnaryOperator<Tensor> forward, UnaryOperator<Tensor> adjoint) {
        return new FunctionOperator(rows, cols, forward, adjoint);
    }
}
