package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.assertClose;
import static io.foldopt.autodiff.FdCheck.assertHessianVjp;
import static io.foldopt.autodiff.FdCheck.assertRecordedVjp;
import static io.foldopt.autodiff.FdCheck.randn;
import static io.foldopt.autodiff.FdCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Second-order VJPs: the recorded gradient {@code grad_x f(x, c)} differentiated again with respect to
 * {@code x} and {@code c} (Hessian-vector products), and the update map
 * {@code U(x, c) = clamp(x - alpha grad_x f(x, c), -1, 1)}.
 */
class SecondOrderTest {
    private static final int B = 3;
    private static final int N = 4;

    static Stream<Arguments> scalarFunctions() {
        SplittableRandom rng = new SplittableRandom(41);
        Tensor x = uniform(rng, -1.5, 1.5, B, N);
        Tensor c = uniform(rng, -1.5, 1.5, B, N);
        Tensor xPos = uniform(rng, 0.4, 2.0, B, N);
        Tensor cPos = uniform(rng, 0.4, 2.0, B, N);
        Tensor shift = FdCheck.wellConditionedMatrix(rng, N);
        Tensor batchShift = FdCheck.wellConditionedBatch(rng, B, N);
        return Stream.of(
                hessian("sin", (u, v) -> v.mul(u.sin()).sum(), x, c),
                hessian("cos", (u, v) -> u.mul(v).cos().sum(), x, c),
                hessian("exp", (u, v) -> v.mul(u.exp()).sum(), x, c),
                hessian("tanh", (u, v) -> u.mul(v).tanh().sum(), x, c),
                hessian("sigmoid", (u, v) -> v.mul(u.sigmoid()).sum(), x, c),
                hessian("softplus", (u, v) -> u.mul(v).softplus().sum(), x, c),
                hessian("log", (u, v) -> v.mul(u.log()).sum(), xPos, c),
                hessian("sqrt", (u, v) -> v.mul(u.sqrt()).sum(), xPos, c),
                hessian("pow const", (u, v) -> v.mul(u.pow(2.5)).sum(), xPos, c),
                hessian("pow var", (u, v) -> u.pow(v).sum(), xPos, c),
                hessian("pow var exponent", (u, v) -> v.pow(u).sum(), x, cPos),
                hessian("mul", (u, v) -> u.mul(u).mul(v).sum(), x, c),
                hessian("div", (u, v) -> u.mul(u).div(v).add(v.div(u)).sum(), xPos, cPos),
                hessian("matmul shared", (u, v) -> u.matmul(v).mul(u).sum(), x, randn(rng, N, N)),
                hessian("matmul batched", (u, v) -> u.reshape(B, 1, N).matmul(v).reshape(B, N).mul(u).sin().sum(),
                        x, randn(rng, B, N, N)),
                hessian("matmul shared left", (u, v) -> v.matmul(u.reshape(B, N, 1)).sin().sum(), x, randn(rng, 2, N)),
                hessian("solve shared", (u, v) -> LinearAlgebra.solve(v.add(Var.constant(shift)), u).mul(u).sum(),
                        x, randn(rng, N, N)),
                hessian("solve batched",
                        (u, v) -> LinearAlgebra.solve(v.add(Var.constant(batchShift)), u.sin()).mul(u).sum(),
                        x, randn(rng, B, N, N)),
                hessian("norm2", (u, v) -> Reductions.norm2(u.mul(v)).sum(), x, c),
                hessian("norm2 times c", (u, v) -> Reductions.norm2(u).mul(v.sum(-1)).sum(), x, c),
                hessian("sum axis and mean", (u, v) -> u.sin().sum(0).mul(v.mean(0)).sum(), x, c),
                hessian("slice and concat", (u, v) -> Structure.concat(u.slice(1, 3).exp(), v).sin().sum(), x, c),
                hessian("minimum", (u, v) -> u.mul(u).min(v.add(10)).mul(v).sum(), x, c));
    }

    private static Arguments hessian(String name, BiFunction<Var, Var, Var> f, Tensor x, Tensor c) {
        return Arguments.of(name, f, x, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scalarFunctions")
    void hessianVectorProductsMatchFiniteDifferencesOfTheGradient(String name, BiFunction<Var, Var, Var> f,
            Tensor x, Tensor c) {
        assertHessianVjp(name, f, x, c);
    }

    /** {@code f(x, c) = sum_b 1/2 x_b^T Q x_b + c_b^T sin(x_b)}. */
    private static Var objective(Var x, Var c, Var q) {
        return x.matmul(q).mul(x).sum().mul(0.5).add(c.mul(x.sin()).sum());
    }

    private static final double ALPHA = 0.3;

    private static Var update(Var x, Var c, Var q) {
        return x.sub(Autodiff.gradGraph(objective(x, c, q), x).mul(ALPHA)).clamp(-1, 1);
    }

    @Test
    void gradGraphOfTheObjectiveIsTheClosedForm() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = randn(rng, B, N);
        Tensor c = randn(rng, B, N);
        Tensor q = randn(rng, N, N);
        Var xv = Var.param(x);
        Tensor g = Autodiff.gradGraph(objective(xv, Var.constant(c), Var.constant(q)), xv).value();
        Tensor qSym = Var.constant(q).add(Var.constant(q).transpose()).mul(0.5).value();
        Tensor expected = Var.constant(x).matmul(Var.constant(qSym))
                .add(Var.constant(c).mul(Var.constant(x).cos())).value();
        assertClose(expected, g, 1e-13);
    }

    @Test
    void hessianVectorProductOfSinIsTheClosedForm() {
        SplittableRandom rng = new SplittableRandom(9);
        Var x = Var.param(randn(rng, B, N));
        Var c = Var.param(randn(rng, B, N));
        Tensor w = randn(rng, B, N);
        Var gx = Autodiff.gradGraph(c.mul(x.sin()).sum(), x);
        Tensor[] hv = Autodiff.vjp(new Var[] {gx}, new Var[] {x, c}, new Tensor[] {w});
        Var wv = Var.constant(w);
        assertClose(c.mul(x.sin()).mul(wv).neg().value(), hv[0], 1e-14);
        assertClose(x.cos().mul(wv).value(), hv[1], 1e-14);
        Var[] third = Autodiff.vjp(new Var[] {gx}, new Var[] {x}, new Var[] {wv}, true);
        Tensor g3 = Autodiff.grad(third[0].sum(), c)[0];
        assertClose(x.sin().mul(wv).neg().value(), g3, 1e-14);
    }

    @Test
    void updateMapVjpMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(17);
        Tensor x = uniform(rng, -1.2, 1.2, B, N);
        Tensor c = randn(rng, B, N);
        Tensor q = randn(rng, N, N);
        Tensor beforeClamp = GradMode.withGrad(() -> {
            Var xv = Var.param(x);
            Var o = objective(xv, Var.constant(c), Var.constant(q));
            return xv.sub(Autodiff.gradGraph(o, xv).mul(ALPHA)).value();
        });
        double margin = Double.POSITIVE_INFINITY;
        int clamped = 0;
        for (double v : beforeClamp.data()) {
            margin = Math.min(margin, Math.abs(Math.abs(v) - 1));
            clamped += Math.abs(v) > 1 ? 1 : 0;
        }
        assertTrue(margin > 1e-3, "test point too close to a clamp bound: " + margin);
        assertTrue(clamped > 0 && clamped < B * N, "test point should clamp some but not all coordinates");
        assertRecordedVjp("update map", v -> update(v[0], v[1], v[2]), x, c, q);
    }
}
