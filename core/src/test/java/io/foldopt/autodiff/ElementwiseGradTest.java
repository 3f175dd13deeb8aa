package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.assertVjp;
import static io.foldopt.autodiff.FdCheck.avoiding;
import static io.foldopt.autodiff.FdCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** First-order VJPs of the elementwise functions against finite differences. */
class ElementwiseGradTest {
    private static final int[] SHAPE = {3, 5};
    private static final double LO = -0.5;
    private static final double HI = 0.75;

    static Stream<Arguments> unaryCases() {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor any = uniform(rng, -2, 2, SHAPE);
        Tensor positive = uniform(rng, 0.3, 3, SHAPE);
        Tensor nonZero = avoiding(rng, -2, 2, 0.1, new double[] {0}, SHAPE);
        Tensor offBounds = avoiding(rng, -1.5, 1.5, 0.05, new double[] {LO, HI}, SHAPE);
        Tensor mask = uniform(rng, -1, 1, SHAPE).map(v -> v > 0 ? 1.0 : 0.0);
        return Stream.of(
                unary("exp", Var::exp, any),
                unary("log", Var::log, positive),
                unary("sin", Var::sin, any),
                unary("cos", Var::cos, any),
                unary("tanh", Var::tanh, any),
                unary("sigmoid", Var::sigmoid, any),
                unary("sigmoid of large inputs", Var::sigmoid, any.map(v -> 15 * v)),
                unary("softplus", Var::softplus, any),
                unary("softplus of large inputs", Var::softplus, any.map(v -> 15 * v)),
                unary("relu", Var::relu, nonZero),
                unary("abs", Var::abs, nonZero),
                unary("sqrt", Var::sqrt, positive),
                unary("clamp", x -> x.clamp(LO, HI), offBounds),
                unary("pow 2.5", x -> x.pow(2.5), positive),
                unary("pow -1.5", x -> x.pow(-1.5), positive),
                unary("pow 3 of any sign", x -> x.pow(3.0), any),
                unary("pow 2", x -> x.pow(2.0), any),
                unary("pow 1", x -> x.pow(1.0).mul(2.0), any),
                unary("pow 0", x -> x.pow(0.0).add(x), any),
                unary("scale", x -> x.mul(-1.7), any),
                unary("neg", Var::neg, any),
                unary("add scalar", x -> x.add(0.3), any),
                unary("mask (fluent)", x -> x.mask(mask), any),
                unary("mask (broadcast row)", x -> Elementwise.mask(x, Tensor.vector(1, 0, 2, 0, -1)), any),
                unary("composition", x -> x.sin().mul(x.exp()).add(x.tanh().sigmoid()), any));
    }

    private static Arguments unary(String name, UnaryOperator<Var> op, Tensor x) {
        return Arguments.of(name, op, x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryCases")
    void vjpMatchesFiniteDifferences(String name, UnaryOperator<Var> op, Tensor x) {
        assertVjp(name, v -> op.apply(v[0]), x);
    }

    @Test
    void clampZeroesTheCotangentOutsideTheBounds() {
        Var x = Var.param(Tensor.vector(-2, -0.5, 0.1, 0.75, 3));
        Tensor g = Autodiff.vjp(new Var[] {x.clamp(LO, HI)}, new Var[] {x},
                new Tensor[] {Tensor.vector(1, 2, 3, 4, 5)})[0];
        assertArrayEquals(new double[] {0, 2, 3, 4, 0}, g.data());
        assertArrayEquals(new double[] {-0.5, -0.5, 0.1, 0.75, 0.75}, x.clamp(LO, HI).value().data());
    }

    @Test
    void kinkConventions() {
        Var x = Var.param(Tensor.vector(0, 0));
        assertArrayEquals(new double[] {0, 0}, Autodiff.grad(x.relu().sum(), x)[0].data());
        assertArrayEquals(new double[] {0, 0}, Autodiff.grad(x.abs().sum(), x)[0].data());
    }

    @Test
    void sigmoidAndSoftplusStayFiniteForHugeInputs() {
        Var x = Var.param(Tensor.vector(-800, 800));
        assertArrayEquals(new double[] {0, 1}, x.sigmoid().value().data(), 0);
        assertArrayEquals(new double[] {0, 800}, x.softplus().value().data(), 0);
        assertArrayEquals(new double[] {0, 1}, Autodiff.grad(x.softplus().sum(), x)[0].data(), 0);
    }

    @Test
    void clampRejectsEmptyInterval() {
        Var x = Var.param(Tensor.vector(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.clamp(1, 0));
        assertEquals("clamp needs lo <= hi, got [1.0, 0.0]", e.getMessage());
    }
}
