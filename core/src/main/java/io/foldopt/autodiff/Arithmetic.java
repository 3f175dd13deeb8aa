package io.foldopt.autodiff;

import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Kernels.BinaryOp;
import io.foldopt.tensor.Tensor;

/**
 * Differentiable binary arithmetic with numpy broadcasting: {@code a + b}, {@code a - b},
 * {@code a * b}, {@code a / b}, {@code a ^ b}, elementwise {@code min}/{@code max}, and scaling.
 *
 * <p>A shared operand (a vector {@code (n)} against a batch {@code (B, n)}, a scalar) is broadcast
 * without copies; its cotangent is summed over the broadcast axes.
 */
public final class Arithmetic {
    private Arithmetic() {}

    /** Reduces a cotangent of the broadcast result to the shape of operand {@code x}. */
    static Var reduceTo(Var g, Var x) {
        return g.value().sameShape(x.value()) ? g : Structure.sumTo(g, x.shape());
    }

    /**
     * @return the linear form {@code g_i = s * factor .* g} of an operand of a broadcasting binary operation, or null
     *     when the operand is broadcast (its cotangent is then a sum, not an elementwise product)
     */
    private static LinearVjp elementwise(Var operand, Tensor out, double s, Var factor) {
        if (!operand.value().sameShape(out)) {
            return null;
        }
        if (factor == null) {
            return LinearVjp.scaled(s);
        }
        Tensor f = factor.value().sameShape(out) ? factor.value()
                : Kernels.binary(Tensor.zeros(out.shape()), factor.value(), BinaryOp.ADD);
        return new LinearVjp(s, f, null);
    }

    /** @return {@code a + b} */
    public static Var add(Var a, Var b) {
        Tensor v = Kernels.binary(a.value(), b.value(), BinaryOp.ADD);
        return Var.op(v, new Var[] {a, b}, (i, g) -> reduceTo(g, i == 0 ? a : b),
                i -> elementwise(i == 0 ? a : b, v, 1.0, null));
    }

    /** @return {@code a - b} */
    public static Var sub(Var a, Var b) {
        Tensor v = Kernels.binary(a.value(), b.value(), BinaryOp.SUB);
        return Var.op(v, new Var[] {a, b}, (i, g) -> i == 0 ? reduceTo(g, a) : reduceTo(scale(g, -1.0), b),
                i -> elementwise(i == 0 ? a : b, v, i == 0 ? 1.0 : -1.0, null));
    }

    /** @return {@code a * b} elementwise */
    public static Var mul(Var a, Var b) {
        Tensor v = Kernels.binary(a.value(), b.value(), BinaryOp.MUL);
        return Var.op(v, new Var[] {a, b}, (i, g) -> i == 0 ? reduceTo(mul(g, b), a) : reduceTo(mul(g, a), b),
                i -> i == 0 ? elementwise(a, v, 1.0, b) : elementwise(b, v, 1.0, a));
    }

    /** @return {@code a / b} elementwise */
    public static Var div(Var a, Var b) {
        Tensor v = Kernels.binary(a.value(), b.value(), BinaryOp.DIV);
        return Var.op(v, new Var[] {a, b}, (i, g) -> i == 0
                ? reduceTo(div(g, b), a)
                : reduceTo(scale(div(mul(g, a), mul(b, b)), -1.0), b));
    }

    /** @return {@code s * a} for a constant {@code s} */
    public static Var scale(Var a, double s) {
        return Var.op(Kernels.scale(a.value(), s), new Var[] {a}, (i, g) -> scale(g, s), i -> LinearVjp.scaled(s));
    }

    /**
     * @return {@code a ^ b} elementwise. The cotangent of {@code b} is {@code g a^b log a}; where
     *     {@code a <= 0} the logarithm is taken as 0 (the derivative in {@code b} does not exist there)
     */
    public static Var pow(Var a, Var b) {
        Tensor v = Kernels.binary(a.value(), b.value(), BinaryOp.POW);
        return Var.op(v, new Var[] {a, b}, (i, g) -> {
            if (i == 0) {
                return reduceTo(mul(g, mul(b, pow(a, b.add(-1.0)))), a);
            }
            boolean positive = true;
            for (double x : a.value().data()) {
                positive &= x > 0;
            }
            Var logA = positive ? Elementwise.log(a) : Var.constant(a.value().map(x -> x > 0 ? Math.log(x) : 0.0));
            return reduceTo(mul(g, mul(pow(a, b), logA)), b);
        });
    }

    /** @return the elementwise minimum; ties send the cotangent to {@code a} */
    public static Var minimum(Var a, Var b) {
        return select(a, b, Kernels.binary(a.value(), b.value(), BinaryOp.MIN),
                Kernels.binary(b.value(), a.value(), BinaryOp.GE_MASK));
    }

    /** @return the elementwise maximum; ties send the cotangent to {@code a} */
    public static Var maximum(Var a, Var b) {
        return select(a, b, Kernels.binary(a.value(), b.value(), BinaryOp.MAX),
                Kernels.binary(a.value(), b.value(), BinaryOp.GE_MASK));
    }

    /**
     * The value {@code v} of a selection, differentiated as {@code mask * a + (1 - mask) * b} with a
     * constant 0/1 mask of the broadcast shape. The value is computed by {@code min}/{@code max}
     * directly, not as that sum, so that an infinite unselected operand (an absent bound) does not
     * turn it into {@code 0 * inf = NaN}.
     */
    private static Var select(Var a, Var b, Tensor v, Tensor mask) {
        Tensor notMask = mask.map(m -> 1.0 - m);
        return Var.op(v, new Var[] {a, b}, (i, g) -> i == 0
                ? reduceTo(mul(g, Var.constant(mask)), a)
                : reduceTo(mul(g, Var.constant(notMask)), b),
                i -> elementwise(i == 0 ? a : b, v, 1.0, Var.constant(i == 0 ? mask : notMask)));
    }
}
