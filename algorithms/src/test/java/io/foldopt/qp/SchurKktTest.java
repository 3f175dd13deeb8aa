package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.RandomMatrices;
import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Schur-complement solves of the active-set KKT matrix against the direct, equilibrated factorization and
 * against {@code K_S} itself, the cases it refuses, and the gradients of a {@link DifferentiableQp} that uses it.
 */
class SchurKktTest {
    private static final int N = 9;
    private static final int P = 2;
    private static final int M = 6;
    private static final int[] ACTIVE = {0, 2, 3, 5};

    private static QpProblem problem(Tensor pm, Tensor g, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return QpProblem.of(pm, Tensor.randn(rng, N), Tensor.randn(rng, P, N), Tensor.randn(rng, P), g,
                Tensor.randn(rng, M));
    }

    /** @return {@code K_S w} for the problem's {@code K_S} on {@link #ACTIVE} */
    private static double[] times(QpProblem pr, int[] active, double[] w) {
        int t = P + active.length;
        double[] out = new double[N + t];
        for (int i = 0; i < N; i++) {
            out[i] = Vec.dot(pr.pm, i * N, w, 0, N);
        }
        for (int a = 0; a < t; a++) {
            double[] c = a < P ? pr.a : pr.g;
            int off = (a < P ? a : active[a - P]) * N;
            Vec.axpy(w[N + a], c, off, out, 0, N);
            out[N + a] = Vec.dot(c, off, w, 0, N);
        }
        return out;
    }

    private static double relErr(double[] x, double[] y) {
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst / Math.max(1e-300, Vec.normInf(y));
    }

    @Test
    void solvesMatchTheDirectFactorizationAndKs() {
        SplittableRandom rng = new SplittableRandom(1);
        for (Tensor pm : new Tensor[] {Tensor.eye(N), RandomMatrices.spd(N, 0.5, 2)}) {
            QpProblem pr = problem(pm, Tensor.randn(rng, M, N), 3);
            ConstraintGram gram = ConstraintGram.of(pr);
            SchurKkt schur = SchurKkt.factor(gram, N, P, ACTIVE);
            assertNotNull(schur, "a well-conditioned Schur complement");
            ActiveSetKkt direct = ActiveSetKkt.factor(pr, ACTIVE, 0.0);
            for (int trial = 0; trial < 3; trial++) {
                double[] r = Tensor.randn(rng, N + P + ACTIVE.length).data();
                double[] w = schur.solve(r);
                assertTrue(relErr(w, direct.solve(r)) < 1e-12, "against the LU solve: " + relErr(w, direct.solve(r)));
                assertTrue(relErr(times(pr, ACTIVE, w), r) < 1e-13, "residual of K_S w = r");
            }
            assertTrue(schur.conditionNumber() >= 1 && schur.conditionNumber() < 1e4,
                    "condition " + schur.conditionNumber());
            assertTrue(!schur.regularized());
        }
    }

    @Test
    void dependentOrIllConditionedActiveRowsAreLeftToTheDirectFactorization() {
        SplittableRandom rng = new SplittableRandom(4);
        double[] g = Tensor.randn(rng, M, N).data();
        // Row 3 = row 2: dependent active rows, a singular Schur complement.
        System.arraycopy(g, 2 * N, g, 3 * N, N);
        // Row 5 = row 0 plus 1e-5 of a random row: independent, but the condition number is about 1e10.
        double[] e = Tensor.randn(rng, N).data();
        for (int j = 0; j < N; j++) {
            g[5 * N + j] = g[j] + 1e-5 * e[j];
        }
        QpProblem pr = problem(Tensor.eye(N), Tensor.wrap(g, M, N), 5);
        ConstraintGram gram = ConstraintGram.of(pr);
        assertNull(SchurKkt.factor(gram, N, P, new int[] {1, 2, 3}), "dependent rows");
        assertNull(SchurKkt.factor(gram, N, P, new int[] {0, 5}), "ill-conditioned rows");
        assertNotNull(SchurKkt.factor(gram, N, P, new int[] {0, 1, 2}), "independent rows");
        // A P that is only semidefinite has no Gram data.
        double[] semi = Tensor.eye(N).data().clone();
        semi[0] = 0;
        assertNull(ConstraintGram.of(problem(Tensor.wrap(semi, N, N), Tensor.wrap(g, M, N), 6)));
    }

    @Test
    void warmStartedLayerGradientsOfEveryInputMatchTheDirectDerivative() {
        SplittableRandom rng = new SplittableRandom(7);
        Tensor pm = RandomMatrices.spd(N, 0.5, 8);
        Tensor a = Tensor.randn(rng, P, N);
        Tensor g = Tensor.randn(rng, M, N);
        Tensor b = Tensor.randn(rng, P).map(v -> 0.1 * v);
        Tensor h = Tensor.randn(rng, M).map(v -> 0.1 + Math.abs(v) * 0.2);
        Tensor q = Tensor.randn(rng, 5, N).map(v -> 3 * v);
        Tensor cotangent = Tensor.randn(rng, 5, N);
        WarmStartQpSolver warm = new WarmStartQpSolver();
        double[][] reference = gradients(new Tensor[] {pm, q, a, b, g, h}, QpOptions.defaults(), cotangent);
        for (int call = 0; call < 2; call++) {
            Var[] leaves = new Var[] {Var.param(pm), Var.param(q), Var.param(a), Var.param(b), Var.param(g),
                Var.param(h)};
            QpOutput out = solve(null, QpOptions.defaults().withSolver(warm), leaves);
            int active = 0;
            for (QpInstanceReport r : out.report().instances()) {
                active += r.activeConstraints();
                assertEquals(QpDerivative.EXACT, r.derivative());
                assertTrue(r.conditionNumber() < SchurKkt.CONDITION_LIMIT, "condition " + r.conditionNumber());
            }
            assertTrue(active >= 5, "the test needs active constraints, got " + active);
            double[][] viaSchur = gradients(new Tensor[] {pm, q, a, b, g, h},
                    QpOptions.defaults().withSolver(warm), cotangent);
            for (int i = 0; i < reference.length; i++) {
                assertTrue(relErr(viaSchur[i], reference[i]) < 1e-9, "input " + i + ": "
                        + relErr(viaSchur[i], reference[i]));
            }
        }
    }

    private static QpOutput solve(Tensor[] params, QpOptions options, Var[] leaves) {
        Var[] v = new Var[6];
        for (int i = 0; i < v.length; i++) {
            v[i] = leaves == null ? Var.constant(params[i]) : leaves[i];
        }
        return DifferentiableQp.solveWithMultipliers(v[0], v[1], v[2], v[3], v[4], v[5], options);
    }

    /** @return the gradients of {@code <cotangent, z> + sum(nu) + sum(lambda)} with respect to every input */
    private static double[][] gradients(Tensor[] params, QpOptions options, Tensor cotangent) {
        Var[] leaves = new Var[params.length];
        for (int i = 0; i < params.length; i++) {
            leaves[i] = Var.param(params[i]);
        }
        QpOutput out = solve(params, options, leaves);
        Var loss = out.z().mul(Var.constant(cotangent)).sum().add(out.nu().sum()).add(out.lambda().sum());
        Tensor[] grads = Autodiff.grad(loss, leaves);
        double[][] flat = new double[grads.length][];
        for (int i = 0; i < grads.length; i++) {
            flat[i] = grads[i].data();
        }
        return flat;
    }
}
