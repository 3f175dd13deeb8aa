package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.assertVjp;
import static io.foldopt.autodiff.FdCheck.avoiding;
import static io.foldopt.autodiff.FdCheck.onGrid;
import static io.foldopt.autodiff.FdCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** First-order VJPs of the binary operations, for every operand and every broadcasting pattern. */
class ArithmeticGradTest {
    /** Operand shape pairs: equal, vector with batch, scalar with batch, column with batch, rank 3. */
    private static final int[][][] SHAPE_PAIRS = {
        {{3, 4}, {3, 4}},
        {{4}, {3, 4}},
        {{3, 4}, {4}},
        {{}, {3, 4}},
        {{3, 4}, {}},
        {{3, 1}, {3, 4}},
        {{3, 4}, {3, 1}},
        {{2, 1, 4}, {3, 1}},
        {{1, 4}, {2, 3, 4}},
    };

    /** A binary operation with the input ranges that keep it smooth. */
    private enum Op {
        ADD(Var::add),
        SUB(Var::sub),
        MUL(Var::mul),
        DIV(Var::div),
        POW(Var::pow),
        MINIMUM(Var::min),
        MAXIMUM(Var::max);

        final BinaryOperator<Var> f;

        Op(BinaryOperator<Var> f) {
            this.f = f;
        }

        Tensor left(SplittableRandom rng, int[] shape) {
            switch (this) {
                case POW:
                    return uniform(rng, 0.4, 2.5, shape);
                case MINIMUM:
                case MAXIMUM:
                    return onGrid(rng, 0.0, shape);
                default:
                    return uniform(rng, -2, 2, shape);
            }
        }

        Tensor right(SplittableRandom rng, int[] shape) {
            switch (this) {
                case DIV:
                    return avoiding(rng, -2, 2, 0.4, new double[] {0}, shape);
                case POW:
                    return uniform(rng, -1.5, 2.5, shape);
                case MINIMUM:
                case MAXIMUM:
                    return onGrid(rng, 0.1, shape);
                default:
                    return uniform(rng, -2, 2, shape);
            }
        }
    }

    static Stream<Arguments> cases() {
        SplittableRandom rng = new SplittableRandom(7);
        List<Arguments> out = new ArrayList<>();
        for (Op op : Op.values()) {
            for (int[][] pair : SHAPE_PAIRS) {
                out.add(Arguments.of(op, shapeName(pair[0]) + " " + op + " " + shapeName(pair[1]),
                        op.left(rng, pair[0]), op.right(rng, pair[1])));
            }
        }
        return out.stream();
    }

    private static String shapeName(int[] s) {
        return java.util.Arrays.toString(s);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("cases")
    void vjpMatchesFiniteDifferences(Op op, String name, Tensor a, Tensor b) {
        assertVjp(name, v -> op.f.apply(v[0], v[1]), a, b);
    }

    @Test
    void sameOperandTwice() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = uniform(rng, 0.5, 2, 3, 4);
        assertVjp("x * x", v -> v[0].mul(v[0]), x);
        assertVjp("x / x + x - x", v -> v[0].div(v[0]).add(v[0]).sub(v[0].mul(0.5)), x);
        assertVjp("x ^ x", v -> v[0].pow(v[0]), x);
    }

    @Test
    void powWithNonPositiveBaseUsesZeroLogForTheExponent() {
        Var a = Var.param(Tensor.vector(-2, 0, 3));
        Var b = Var.param(Tensor.vector(2, 2, 2));
        Tensor[] g = Autodiff.vjp(new Var[] {a.pow(b)}, new Var[] {a, b}, new Tensor[] {Tensor.vector(1, 1, 1)});
        assertArrayEquals(new double[] {-4, 0, 6}, g[0].data(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 9 * Math.log(3)}, g[1].data(), 1e-12);
    }

    @Test
    void tiesSendTheCotangentToTheFirstOperand() {
        Var a = Var.param(Tensor.vector(1, 2));
        Var b = Var.param(Tensor.vector(1, 2));
        for (Var y : new Var[] {a.min(b), a.max(b)}) {
            Tensor[] g = Autodiff.vjp(new Var[] {y}, new Var[] {a, b}, new Tensor[] {Tensor.vector(1, 1)});
            assertArrayEquals(new double[] {1, 1}, g[0].data());
            assertArrayEquals(new double[] {0, 0}, g[1].data());
        }
    }

    @Test
    void minimumAndMaximumWithInfiniteBounds() {
        Var x = Var.param(Tensor.vector(-1, 0.5, 3));
        Var inf = Var.constant(Tensor.scalar(Double.POSITIVE_INFINITY));
        Var negInf = Var.constant(Tensor.scalar(Double.NEGATIVE_INFINITY));
        assertArrayEquals(x.value().data(), x.min(inf).value().data());
        assertArrayEquals(x.value().data(), x.max(negInf).value().data());
        assertArrayEquals(new double[] {1, 1, 1},
                Autodiff.grad(x.max(negInf).min(inf).sum(), x)[0].data());
    }
}
