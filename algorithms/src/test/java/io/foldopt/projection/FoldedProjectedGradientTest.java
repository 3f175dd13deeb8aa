package io.foldopt.projection;

import static io.foldopt.projection.ProjectionTestSupport.randn;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.DenseLU;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Folded projected gradient with a projection inside the update map, {@code U(x, c) = P(x - alpha (Q x + c))},
 * on {@code min 1/2 x^T Q x + c^T x} over the simplex and over a capped simplex whose level {@code k} is a
 * parameter: every backward method agrees with the direct one and with the closed form from the KKT system on
 * the free set {@code F}, {@code [Q_FF 1; 1^T 0] [dx_F; dnu] = [-dc_F; dk]}.
 */
class FoldedProjectedGradientTest {
    private static final int B = 4;
    private static final int N = 10;
    private static final double CAP = 1.0;

    private static final Tensor Q = spd();
    /** Step {@code 1 / ||Q||_F <= 1 / lambda_max(Q)}. */
    private static final double ALPHA = 1.0 / Q.norm();

    /** {@code M^T M / n + 0.5 I}. */
    private static Tensor spd() {
        Tensor m = randn(1, 1.0, N, N);
        double[] q = Kernels.gemm(m.transpose().data(), 0, m.data(), 0, 1, N, N, N);
        for (int i = 0; i < q.length; i++) {
            q[i] /= N;
        }
        for (int i = 0; i < N; i++) {
            q[i * N + i] += 0.5;
        }
        return Tensor.wrap(q, N, N);
    }

    /** {@code U(x, c) = simplex(x - alpha (x Q + c))}, or the capped simplex with level {@code p[1]}. */
    private static UpdateMap step(boolean capped) {
        Var q = Var.constant(Q);
        return (x, p) -> {
            Var y = x.sub(x.matmul(q).add(p[0]).mul(ALPHA));
            return capped ? Projections.cappedSimplex(y, Var.scalar(CAP), p[1]) : Projections.simplex(y);
        };
    }

    /** Iterates the update map from the uniform point until it stops moving (a black-box forward solver). */
    private static ForwardSolver iterate(UpdateMap map) {
        return p -> GradMode.noGrad(() -> {
            Var[] params = ProjectionTestSupport.constants(p);
            Var x = Var.constant(Tensor.full(1.0 / N, B, N));
            for (int it = 0; it < 100_000; it++) {
                Var next = map.apply(x, params);
                double move = 0;
                for (int t = 0; t < next.value().size(); t++) {
                    move = Math.max(move, Math.abs(next.value().data()[t] - x.value().data()[t]));
                }
                x = next;
                if (move < 1e-16) {
                    break;
                }
            }
            return x.value();
        });
    }

    /**
     * @return {@code dL/dc} and, if {@code capped}, {@code dL/dk} from the KKT system on the free set: solve
     *     {@code [Q_FF 1; 1^T 0] [v; mu] = [g_F; 0]}; then {@code dL/dc_F = -v}, {@code dL/dk = mu}
     */
    private static Tensor[] kktGradient(Tensor x, Tensor g, boolean capped) {
        double[] gc = new double[B * N];
        double[] gk = new double[B];
        for (int b = 0; b < B; b++) {
            int[] free = new int[N];
            int f = 0;
            for (int j = 0; j < N; j++) {
                double v = x.get(b, j);
                if (v > 1e-9 && (!capped || v < CAP - 1e-9)) {
                    free[f++] = j;
                }
            }
            double[] k = new double[(f + 1) * (f + 1)];
            double[] rhs = new double[f + 1];
            for (int i = 0; i < f; i++) {
                for (int j = 0; j < f; j++) {
                    k[i * (f + 1) + j] = Q.get(free[i], free[j]);
                }
                k[i * (f + 1) + f] = 1.0;
                k[f * (f + 1) + i] = 1.0;
                rhs[i] = g.get(b, free[i]);
            }
            double[] z = DenseLU.factor(k, f + 1).solve(rhs);
            for (int i = 0; i < f; i++) {
                gc[b * N + free[i]] = -z[i];
            }
            gk[b] = z[f];
        }
        return new Tensor[] {Tensor.wrap(gc, B, N), Tensor.wrap(gk, B)};
    }

    private static double relErr(Tensor a, Tensor b) {
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            d += Math.pow(a.data()[i] - b.data()[i], 2);
        }
        return Math.sqrt(d) / b.norm();
    }

    private static void assertMixedActiveSet(Tensor x, boolean capped) {
        int zero = 0;
        int free = 0;
        int atCap = 0;
        for (double v : x.data()) {
            zero += v == 0 ? 1 : 0;
            atCap += capped && v == CAP ? 1 : 0;
            free += v > 1e-6 && v < CAP - 1e-6 ? 1 : 0;
        }
        assertTrue(zero >= B && free >= 2 * B && (!capped || atCap >= 1),
                "zero " + zero + ", free " + free + ", capped " + atCap);
    }

    @Test
    void foldedPgdOnTheSimplexMatchesDirectAndKkt() {
        Tensor c = randn(2, 1.0, B, N);
        Tensor g = randn(3, 1.0, B, N);
        UpdateMap map = step(false);
        Tensor direct = null;
        for (BatchedLinearSolver method : List.of(BatchedLinearSolver.DIRECT,
                BatchedLinearSolver.GMRES, BatchedLinearSolver.BICGSTAB, BatchedLinearSolver.LFPI)) {
            FoldedLayer layer = new FoldedLayer(iterate(map), map,
                    FoldOptions.defaults().withSolver(method).withTolerance(1e-12).withMaxIterations(20_000));
            Var cv = Var.param(c);
            Var x = layer.apply(cv);
            Tensor grad = Autodiff.vjp(new Var[] {x}, new Var[] {cv}, new Tensor[] {g})[0];
            assertTrue(layer.lastReport().allOk(), method + ": " + layer.lastReport());
            if (direct == null) {
                assertMixedActiveSet(x.value(), false);
                direct = grad;
                Tensor kkt = kktGradient(x.value(), g, false)[0];
                assertTrue(relErr(direct, kkt) < 1e-10, "direct vs KKT: " + relErr(direct, kkt));
            } else {
                assertTrue(relErr(grad, direct) < 1e-9, method + " vs direct: " + relErr(grad, direct));
            }
        }
        FoldedLayer layer =
                new FoldedLayer(iterate(map), map, FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES));
        GradientCheck.Result r = GradientCheck.check(p -> layer.apply(p[0]), new Tensor[] {c}, 4, 1e-6, 4);
        assertTrue(r.passes(1e-6), "folded layer vs finite differences: " + r.worstRelativeError());
    }

    @Test
    void foldedPgdOnTheCappedSimplexDifferentiatesTheLevel() {
        Tensor c = randn(5, 3.0, B, N);
        Tensor k = Tensor.vector(2.5, 3.5, 1.5, 4.25);
        Tensor g = randn(6, 1.0, B, N);
        UpdateMap map = step(true);
        Tensor[] direct = null;
        for (BatchedLinearSolver method : List.of(BatchedLinearSolver.DIRECT,
                BatchedLinearSolver.GMRES, BatchedLinearSolver.LFPI)) {
            FoldedLayer layer = new FoldedLayer(iterate(map), map,
                    FoldOptions.defaults().withSolver(method).withTolerance(1e-12).withMaxIterations(20_000));
            Var cv = Var.param(c);
            Var kv = Var.param(k);
            Var x = layer.apply(cv, kv);
            Tensor[] grads = Autodiff.vjp(new Var[] {x}, new Var[] {cv, kv}, new Tensor[] {g});
            if (direct == null) {
                assertMixedActiveSet(x.value(), true);
                direct = grads;
                Tensor[] kkt = kktGradient(x.value(), g, true);
                assertTrue(relErr(grads[0], kkt[0]) < 1e-10, "dL/dc direct vs KKT: " + relErr(grads[0], kkt[0]));
                assertTrue(relErr(grads[1], kkt[1]) < 1e-10, "dL/dk direct vs KKT: " + relErr(grads[1], kkt[1]));
            } else {
                assertTrue(relErr(grads[0], direct[0]) < 1e-9, method + " dL/dc: " + relErr(grads[0], direct[0]));
                assertTrue(relErr(grads[1], direct[1]) < 1e-9, method + " dL/dk: " + relErr(grads[1], direct[1]));
            }
        }
    }
}
