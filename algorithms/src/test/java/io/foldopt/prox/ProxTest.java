package io.foldopt.prox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The proximal operators: values, VJPs against finite differences for every broadcast shape of the
 * parameters, the documented derivatives at kinks, Moreau's identity for derivatives, the plain
 * in-place forms, and bad parameters.
 */
class ProxTest {
    private static final int B = 3;
    private static final int N = 5;

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new SplittableRandom(seed), shape);
    }

    /** @return the VJPs of {@code f} at {@code at} for the cotangent {@code g} */
    private static Tensor[] vjp(Function<Var[], Var> f, Tensor g, Tensor... at) {
        Var[] x = new Var[at.length];
        for (int i = 0; i < at.length; i++) {
            x[i] = Var.param(at[i]);
        }
        return Autodiff.vjp(new Var[] {f.apply(x)}, x, new Tensor[] {g});
    }

    private static Var c(double... v) {
        return Var.constant(Tensor.vector(v));
    }

    @Test
    void valuesAndNanPropagation() {
        Var v = c(-2, -0.5, 0, 0.5, 2, Double.NaN);
        Var one = Var.scalar(1.0);
        assertArrayEquals(new double[] {-1, 0, 0, 0, 1, Double.NaN}, Prox.l1(v, one).value().data());
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, Double.NaN}, Prox.nonnegativeL1(v, one).value().data());
        assertArrayEquals(new double[] {-1, -0.25, 0, 0.25, 1, Double.NaN}, Prox.squaredL2(v, one).value().data());
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 1, Double.NaN},
                Prox.boxIndicator(v, one.neg(), one).value().data());
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 2, Double.NaN},
                Prox.boxIndicator(v, one.neg(), Var.scalar(Double.POSITIVE_INFINITY)).value().data(), "absent bound");
    }

    /** Parameters as a scalar, a vector {@code (n)} broadcast over the batch, and a full batch. */
    @Test
    void vjpsMatchFiniteDifferencesForEveryParameterShape() {
        Tensor v = randn(1, B, N).map(x -> 2 * x);
        int[][] shapes = {{}, {N}, {B, N}};
        for (int[] shape : shapes) {
            Tensor t = randn(2, shape).map(x -> 0.5 + 0.3 * Math.abs(x));
            Tensor lo = randn(3, shape).map(x -> -0.5 - Math.abs(x));
            Tensor hi = randn(4, shape).map(x -> 0.5 + Math.abs(x));
            check("l1", p -> Prox.l1(p[0], p[1]), v, t);
            check("nonnegativeL1", p -> Prox.nonnegativeL1(p[0], p[1]), v, t);
            check("squaredL2", p -> Prox.squaredL2(p[0], p[1]), v, t);
            check("boxIndicator", p -> Prox.boxIndicator(p[0], p[1], p[2]), v, lo, hi);
        }
    }

    private static void check(String name, Function<Var[], Var> f, Tensor... at) {
        GradientCheck.Result r = GradientCheck.check(f, at, 4, 1e-6, 5);
        assertTrue(r.passes(1e-8), name + " with parameter shape " + Arrays.toString(at[1].shape())
                + ": worst relative error " + r.worstRelativeError());
        Tensor[] grads = vjp(f, Tensor.full(1.0, at[0].shape()), at);
        for (int i = 0; i < at.length; i++) {
            assertTrue(grads[i].sameShape(at[i]), name + ": gradient of input " + i + " has the input's shape");
        }
    }

    /** The documented one-sided derivatives: the zero piece of l1 and nonnegativeL1, the identity piece of the box. */
    @Test
    void kinkDerivativesAreTheDocumentedOneSidedOnes() {
        Tensor g = Tensor.vector(1, 1, 1, 1);
        Tensor v = Tensor.vector(0.5, -0.5, 0.0, 0.0);
        Tensor t = Tensor.vector(0.5, 0.5, 0.0, 0.5);
        Tensor[] l1 = vjp(p -> Prox.l1(p[0], p[1]), g, v, t);
        // |v| = t > 0: zero piece; t = 0: the identity (slope 1), and dt = -sign(0) = 0.
        assertArrayEquals(new double[] {0, 0, 1, 0}, l1[0].data(), 0.0);
        assertArrayEquals(new double[] {0, 0, 0, 0}, l1[1].data(), 0.0);
        // The zero piece is the left one-sided derivative at v = t.
        double h = 1e-7;
        assertEquals(0.0, (Prox.softThreshold(0.5, 0.5) - Prox.softThreshold(0.5 - h, 0.5)) / h, 0.0);
        Tensor[] nonneg = vjp(p -> Prox.nonnegativeL1(p[0], p[1]), g, v, t);
        assertArrayEquals(new double[] {0, 0, 0, 0}, nonneg[0].data(), 0.0);

        Tensor x = Tensor.vector(-1, 1, 0.5, 0.3);
        Tensor lo = Tensor.vector(-1, -1, -2, 0.3);
        Tensor hi = Tensor.vector(1, 1, 0.5, 0.3);
        Tensor[] box = vjp(p -> Prox.boxIndicator(p[0], p[1], p[2]), g, x, lo, hi);
        // At a bound of a proper box: identity piece. At v = lo = hi: the output is the bound, split 1/2 each.
        assertArrayEquals(new double[] {1, 1, 1, 0}, box[0].data(), 0.0);
        assertArrayEquals(new double[] {0, 0, 0, 0.5}, box[1].data(), 0.0);
        assertArrayEquals(new double[] {0, 0, 0, 0.5}, box[2].data(), 0.0);
        assertEquals(1.0, (Prox.clip(-1 + h, -1, 1) - Prox.clip(-1, -1, 1)) / h, 1e-9, "right derivative at lo");
    }

    /** {@code l1(v, t) = v - box(v, -t, t)}: equal values and VJPs, on a grid through every kink. */
    @Test
    void moreauIdentityHoldsForDerivativesAtKinks() {
        double[] vs = {-1, -0.5, -0.2, 0, 0.2, 0.5, 1};
        double[] ts = {0, 0.2, 0.5};
        double[] v = new double[vs.length * ts.length];
        double[] t = new double[v.length];
        for (int i = 0; i < vs.length; i++) {
            for (int j = 0; j < ts.length; j++) {
                v[i * ts.length + j] = vs[i];
                t[i * ts.length + j] = ts[j];
            }
        }
        Tensor vt = Tensor.wrap(v, vs.length, ts.length);
        Tensor tt = Tensor.wrap(t, vs.length, ts.length);
        Tensor g = randn(6, vs.length, ts.length);
        Function<Var[], Var> soft = p -> Prox.l1(p[0], p[1]);
        Function<Var[], Var> moreau = p -> p[0].sub(Prox.boxIndicator(p[0], p[1].neg(), p[1]));
        assertArrayEquals(moreau.apply(new Var[] {Var.constant(vt), Var.constant(tt)}).value().data(),
                soft.apply(new Var[] {Var.constant(vt), Var.constant(tt)}).value().data(), 0.0);
        Tensor[] a = vjp(soft, g, vt, tt);
        Tensor[] b = vjp(moreau, g, vt, tt);
        assertArrayEquals(b[0].data(), a[0].data(), 1e-15, "d/dv");
        assertArrayEquals(b[1].data(), a[1].data(), 1e-15, "d/dt");
    }

    @Test
    void inPlaceFormsEqualTheDifferentiableOnesAndWeightsGetGradients() {
        Tensor v = randn(7, 1, N).map(x -> 2 * x);
        Tensor w = Tensor.vector(0.1, 0.5, 1.0, 0.2, 0.3);
        double step = 0.7;
        ProximalOperator[] ops = {
            ProximalOperator.l1(Var.constant(w)), ProximalOperator.nonnegativeL1(Var.scalar(0.4)),
            ProximalOperator.squaredL2(Var.constant(w)),
            ProximalOperator.box(Var.scalar(-0.5), Var.constant(Tensor.vector(0.2, 0.4, 0.6, 0.8, 1.0)))};
        for (ProximalOperator op : ops) {
            double[] inPlace = v.toArray();
            op.applyInPlace(inPlace, step);
            assertArrayEquals(op.apply(Var.constant(v), step).value().data(), inPlace, 1e-15);
        }
        Tensor g = randn(8, 1, N);
        for (Function<Var, ProximalOperator> make : List.<Function<Var, ProximalOperator>>of(
                ProximalOperator::l1, ProximalOperator::nonnegativeL1, ProximalOperator::squaredL2)) {
            GradientCheck.Result r = GradientCheck.check(p -> make.apply(p[1]).apply(p[0], step), new Tensor[] {v, w},
                    4, 1e-6, 9);
            assertTrue(r.passes(1e-8), "worst relative error " + r.worstRelativeError());
            assertTrue(vjp(p -> make.apply(p[1]).apply(p[0], step), g, v, w)[1].norm() > 0, "weight gets a gradient");
        }
    }

    @Test
    void anAddedSquaredNormShrinksTheArgumentAndTheStep() {
        Tensor v = randn(11, 2, N).map(x -> 2 * x);
        Tensor w = Tensor.vector(0.1, 0.5, 1.0, 0.2, 0.3);
        double step = 0.7;
        double eps = 0.8;
        double shrink = 1 / (1 + step * eps);
        ProximalOperator box = ProximalOperator.box(Var.constant(w.map(x -> -x)), Var.constant(w));
        ProximalOperator smoothed = box.plusHalfSquaredNorm(eps);
        // prox of the indicator of |x| <= w plus eps/2 x^2: the minimizer of s eps/2 x^2 + 1/2 (x - v)^2 on the box
        double[] expected = v.toArray();
        for (int j = 0; j < expected.length; j++) {
            double bound = w.data()[j % N];
            expected[j] = Math.max(-bound, Math.min(bound, expected[j] * shrink));
        }
        assertArrayEquals(expected, smoothed.apply(Var.constant(v), step).value().data(), 1e-15);
        double[] inPlace = Arrays.copyOfRange(v.data(), 0, N);
        smoothed.applyInPlace(inPlace, step);
        assertArrayEquals(Arrays.copyOfRange(expected, 0, N), inPlace, 1e-15);
        double[] slopes = smoothed.slopes(Arrays.copyOfRange(v.data(), 0, N), step);
        for (int j = 0; j < N; j++) {
            boolean inside = Math.abs(v.data()[j] * shrink) < w.data()[j];
            assertEquals(inside ? shrink : 0.0, slopes[j], 1e-15, "slope " + j);
        }
        GradientCheck.Result r = GradientCheck.check(
                p -> ProximalOperator.l1(p[1]).plusHalfSquaredNorm(eps).apply(p[0], step), new Tensor[] {v, w}, 4,
                1e-6, 12);
        assertTrue(r.passes(1e-8), "worst relative error " + r.worstRelativeError());
        assertArrayEquals(box.apply(Var.constant(v), step).value().data(),
                box.plusHalfSquaredNorm(0).apply(Var.constant(v), step).value().data(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> box.plusHalfSquaredNorm(-1));
    }

    @Test
    void badParametersGetClearErrors() {
        Var v = Var.constant(randn(10, B, N));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Prox.l1(v, Var.scalar(-0.1)));
        assertTrue(negative.getMessage().contains("l1: parameter must be >= 0, got -0.1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Prox.nonnegativeL1(v, Var.scalar(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Prox.squaredL2(v, Var.scalar(-1.0)));
        IllegalArgumentException box = assertThrows(IllegalArgumentException.class,
                () -> Prox.boxIndicator(v, Var.scalar(1.0), Var.scalar(0.0)));
        assertTrue(box.getMessage().contains("lower <= upper"), box.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Prox.l1(v, Var.constant(Tensor.full(0.1, N + 1))));
        assertTrue(shape.getMessage().contains("does not broadcast"), shape.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Prox.l1(Var.constant(Tensor.zeros(N)), Var.constant(Tensor.full(0.1, B, N))),
                "parameter larger than v");

        assertThrows(IllegalArgumentException.class, () -> ProximalOperator.l1(Var.scalar(-1.0)));
        assertThrows(IllegalArgumentException.class,
                () -> ProximalOperator.squaredL2(Var.scalar(Double.POSITIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> ProximalOperator.l1(Var.constant(Tensor.zeros(2, 2))));
        assertThrows(IllegalArgumentException.class, () -> ProximalOperator.box(Var.scalar(1.0), Var.scalar(-1.0)));
        assertThrows(IllegalArgumentException.class,
                () -> ProximalOperator.box(Var.constant(Tensor.zeros(2)), Var.constant(Tensor.full(1.0, 3))));
        ProximalOperator vector = ProximalOperator.l1(Var.constant(Tensor.full(0.1, N)));
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> vector.applyInPlace(new double[N + 1], 1.0));
        assertTrue(length.getMessage().contains("length " + N), length.getMessage());
    }
}
