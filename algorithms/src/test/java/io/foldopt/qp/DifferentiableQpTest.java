package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.status.FailurePolicy;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The KKT-differentiated QP layer: its VJP for each of P, q, A, b, G, h (per instance and shared, through
 * z and through the multipliers) against finite differences, its outputs, the treatment and reporting of
 * degenerate instances, and failures.
 */
class DifferentiableQpTest {
    private static final String[] NAMES = {"P", "q", "A", "b", "G", "h"};

    private static QpOutput layer(Var[] v, QpOptions options) {
        return DifferentiableQp.solveWithMultipliers(v[0], v[1], v[2], v[3], v[4], v[5], options);
    }

    /**
     * @return the layer as a function of parameter {@code role} alone (the others constant), with output
     *     {@code (z, nu, lambda)} joined, so that the check covers the VJP through all three
     */
    private static Function<Var[], Var> ofParameter(Tensor[] all, int role) {
        return x -> {
            Var[] v = new Var[all.length];
            for (int i = 0; i < all.length; i++) {
                v[i] = i == role ? x[0] : all[i] == null ? null : Var.constant(all[i]);
            }
            QpOutput out = layer(v, QpOptions.defaults());
            return Structure.concat(out.z(), out.nu(), out.lambda());
        };
    }

    private static void checkEveryParameter(RandomQp.Planted data, String label) {
        Tensor[] all = data.params();
        for (int role = 0; role < all.length; role++) {
            GradientCheck.Result r = GradientCheck.check(ofParameter(all, role),
                    new Tensor[] {all[role]}, 4, 1e-6, 100 + role);
            assertTrue(r.passes(1e-6), label + ", parameter " + NAMES[role] + ": relative error "
                    + r.worstRelativeError());
        }
    }

    @Test
    void vjpMatchesFiniteDifferencesForEveryPerInstanceParameter() {
        checkEveryParameter(RandomQp.planted(21, 3, 6, 2, 5, 2, 0, false), "per-instance parameters");
    }

    @Test
    void vjpMatchesFiniteDifferencesForEverySharedParameter() {
        // P, A, G shared by the batch: their gradients are sums over the instances.
        checkEveryParameter(RandomQp.planted(22, 3, 6, 2, 5, 3, 0, true), "shared matrices");
        RandomQp.Planted d = RandomQp.planted(23, 1, 5, 1, 4, 2, 0, true);
        // Every parameter unbatched (rank 1 q, b, h): a batch of one.
        Tensor[] one = {d.pm(), d.q().reshape(5), d.a(), d.b().reshape(1), d.g(), d.h().reshape(4)};
        for (int role = 0; role < one.length; role++) {
            GradientCheck.Result r = GradientCheck.check(ofParameter(one, role),
                    new Tensor[] {one[role]}, 3, 1e-6, 200 + role);
            assertTrue(r.passes(1e-6), "unbatched " + NAMES[role] + ": " + r.worstRelativeError());
        }
    }

    @Test
    void vjpMatchesFiniteDifferencesWithoutEqualitiesOrWithoutInequalities() {
        RandomQp.Planted ineq = RandomQp.planted(24, 2, 7, 0, 6, 3, 0, false);
        Tensor[] a = ineq.params();
        RandomQp.Planted eq = RandomQp.planted(25, 2, 7, 3, 0, 0, 0, false);
        Tensor[] b = eq.params();
        for (int role : new int[] {0, 1, 4, 5}) {
            GradientCheck.Result r = GradientCheck.check(ofParameter(a, role),
                    new Tensor[] {a[role]}, 3, 1e-6, 300 + role);
            assertTrue(r.passes(1e-6), "no equalities, " + NAMES[role] + ": " + r.worstRelativeError());
        }
        for (int role : new int[] {0, 1, 2, 3}) {
            GradientCheck.Result r = GradientCheck.check(ofParameter(b, role),
                    new Tensor[] {b[role]}, 3, 1e-6, 400 + role);
            assertTrue(r.passes(1e-6), "no inequalities, " + NAMES[role] + ": " + r.worstRelativeError());
        }
    }

    @Test
    void outputsAreTheSolverSolutionAndTheReportDescribesEachInstance() {
        RandomQp.Planted d = RandomQp.planted(26, 4, 8, 2, 6, 3, 0, false);
        Var[] v = {Var.param(d.pm()), Var.param(d.q()), Var.constant(d.a()), Var.constant(d.b()),
            Var.constant(d.g()), Var.constant(d.h())};
        QpOutput out = layer(v, QpOptions.defaults());
        assertArrayEquals(new int[] {4, 8}, out.z().shape());
        assertArrayEquals(new int[] {4, 2}, out.nu().shape());
        assertArrayEquals(new int[] {4, 6}, out.lambda().shape());
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 8; j++) {
                assertEquals(d.z()[k][j], out.z().value().get(k, j), 1e-9);
            }
            for (int i = 0; i < 6; i++) {
                assertEquals(d.lambda()[k][i], out.lambda().value().get(k, i), 1e-8);
            }
            QpInstanceReport r = out.report().instances()[k];
            assertEquals(Status.OPTIMAL, r.status());
            assertEquals(3, r.activeConstraints());
            assertEquals(0, r.weaklyActive());
            assertEquals(QpDerivative.EXACT, r.derivative());
            assertTrue(r.kktResidual() <= 1e-9);
        }
        QpOutput unrecorded = GradMode.noGrad(() -> layer(v, QpOptions.defaults()));
        assertEquals(QpDerivative.NOT_RECORDED, unrecorded.report().instances()[0].derivative());
    }

    @Test
    void ojAlgoForwardGivesTheSameGradients() {
        RandomQp.Planted d = RandomQp.planted(27, 3, 8, 2, 6, 3, 0, false);
        Tensor g = Tensor.randn(new SplittableRandom(1), 3, 8);
        Tensor[] ipm = gradients(d, g, QpOptions.defaults());
        Tensor[] oja = gradients(d, g, QpOptions.defaults().withSolver(new OjAlgoQpSolver()));
        for (int i = 0; i < ipm.length; i++) {
            for (int j = 0; j < ipm[i].size(); j++) {
                assertEquals(ipm[i].data()[j], oja[i].data()[j], 1e-7, NAMES[i]);
            }
        }
    }

    /** @return the gradients of {@code <g, z>} with respect to all six parameters */
    private static Tensor[] gradients(RandomQp.Planted d, Tensor g, QpOptions options) {
        Var[] v = new Var[6];
        Tensor[] all = d.params();
        for (int i = 0; i < 6; i++) {
            v[i] = Var.param(all[i]);
        }
        Var z = layer(v, options).z();
        return Autodiff.vjp(new Var[] {z}, v, new Tensor[] {g});
    }

    @Test
    void weaklyActiveConstraintsAreDroppedAndReported() {
        // Two weakly active inequalities (lambda = 0 and slack = 0) in one instance.
        int n = 8;
        RandomQp.Planted d = RandomQp.planted(28, 1, n, 2, 6, 2, 2, false);
        Tensor[] all = d.params();
        Var[] v = new Var[6];
        for (int i = 0; i < 6; i++) {
            v[i] = Var.param(all[i]);
        }
        QpOutput out = layer(v, QpOptions.defaults());
        QpInstanceReport r = out.report().instances()[0];
        assertEquals(2, r.weaklyActive());
        assertEquals(2, r.activeConstraints());
        assertEquals(QpDerivative.EXACT, r.derivative());
        assertArrayEquals(new int[] {0}, out.report().degenerateInstances());
        for (Tensor grad : Autodiff.vjp(new Var[] {out.z()}, v, new Tensor[] {Tensor.randn(new SplittableRandom(2),
                1, n)})) {
            assertTrue(grad.isFinite());
        }
        // The derivative is that of the side where the weak constraints stay inactive: along a direction dq
        // whose predicted dz moves away from both of them (g_i^T dz < 0), it matches a one-sided difference.
        double[][] jac = new double[n][];
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1;
            jac[j] = Autodiff.vjp(new Var[] {out.z()}, new Var[] {v[1]}, new Tensor[] {Tensor.wrap(e, 1, n)})[0].data();
        }
        SplittableRandom rng = new SplittableRandom(3);
        double[] dq = new double[n];
        double[] dz = new double[n];
        boolean away = false;
        while (!away) {
            for (int j = 0; j < n; j++) {
                dq[j] = rng.nextGaussian();
            }
            for (int j = 0; j < n; j++) {
                dz[j] = 0;
                for (int t = 0; t < n; t++) {
                    dz[j] += jac[j][t] * dq[t];
                }
            }
            away = true;
            for (int i = 2; i < 4; i++) {
                double gdz = 0;
                for (int j = 0; j < n; j++) {
                    gdz += all[4].get(0, i, j) * dz[j];
                }
                away &= gdz < -0.1;
            }
        }
        // z is affine in q while the active set is fixed, so a one-sided difference is exact up to rounding.
        double step = 1e-4;
        double[] shifted = all[1].toArray();
        for (int j = 0; j < n; j++) {
            shifted[j] += step * dq[j];
        }
        Tensor zPlus = DifferentiableQp.solve(Var.constant(all[0]), Var.constant(Tensor.wrap(shifted, 1, n)),
                Var.constant(all[2]), Var.constant(all[3]), Var.constant(all[4]), Var.constant(all[5]),
                QpOptions.defaults()).value();
        for (int j = 0; j < n; j++) {
            double oneSided = (zPlus.get(0, j) - out.z().value().get(0, j)) / step;
            assertEquals(dz[j], oneSided, 1e-7 * (1 + Math.abs(dz[j])), "component " + j);
        }
    }

    @Test
    void dependentActiveConstraintsAreRegularizedAndReported() {
        // min 1/2 ||z||^2 - 2 z_1 - 2 z_2 s.t. z_1 <= 1 twice: the active rows are dependent, K_S is singular.
        Var qv = Var.param(Tensor.of(new double[] {-2, -2}, 1, 2));
        Var hv = Var.param(Tensor.vector(1, 1));
        QpOutput out = DifferentiableQp.solveWithMultipliers(Var.param(Tensor.eye(2)), qv, null, null,
                Var.param(Tensor.matrix(new double[][] {{1, 0}, {1, 0}})), hv, QpOptions.defaults());
        QpInstanceReport r = out.report().instances()[0];
        assertEquals(QpDerivative.REGULARIZED, r.derivative());
        assertEquals(2, r.activeConstraints());
        assertArrayEquals(new int[] {0}, out.report().regularizedInstances());
        // z = (min(h_1, h_2), -q_2): dz_1/dq = 0, dz_2/dq_2 = -1; dz_1/dh is split evenly by the
        // least-squares solution (the two one-sided derivatives are (1, 0) and (0, 1)).
        Tensor[] viaZ = Autodiff.vjp(new Var[] {out.z()}, new Var[] {qv, hv},
                new Tensor[] {Tensor.of(new double[] {1, 1}, 1, 2)});
        assertTrue(viaZ[0].isFinite() && viaZ[1].isFinite());
        assertEquals(0.0, viaZ[0].get(0, 0), 1e-6);
        assertEquals(-1.0, viaZ[0].get(0, 1), 1e-6);
        assertEquals(0.5, viaZ[1].get(0), 1e-6);
        assertEquals(0.5, viaZ[1].get(1), 1e-6);
        // The multiplier split lambda_1 - lambda_2 is not determined: a cotangent (1, -1) on the multipliers
        // lies in the null space of K_S and is dropped.
        Tensor[] viaLambda = Autodiff.vjp(new Var[] {out.lambda()}, new Var[] {qv, hv},
                new Tensor[] {Tensor.of(new double[] {1, -1}, 1, 2)});
        assertEquals(0.0, viaLambda[0].maxAbs(), 1e-6);
        assertEquals(0.0, viaLambda[1].maxAbs(), 1e-6);
    }

    @Test
    void infeasibleInstanceThrowsNamingItOrIsFlagged() {
        RandomQp.Planted d = RandomQp.planted(29, 3, 4, 0, 2, 1, 0, false);
        double[] h = d.h().toArray();
        double[] g = d.g().toArray();
        // Instance 1: make the second row the negation of the first with a contradictory bound.
        for (int j = 0; j < 4; j++) {
            g[(1 * 2 + 1) * 4 + j] = -g[(1 * 2) * 4 + j];
        }
        h[1 * 2 + 1] = -h[1 * 2] - 1;
        Tensor gt = Tensor.wrap(g, 3, 2, 4);
        Tensor ht = Tensor.wrap(h, 3, 2);
        Var qv = Var.param(d.q());
        QpSolveException e = assertThrows(QpSolveException.class, () -> DifferentiableQp.solve(
                Var.constant(d.pm()), qv, null, null, Var.constant(gt), Var.constant(ht), QpOptions.defaults()));
        assertTrue(e.getMessage().contains("instance 1 (infeasible"), e.getMessage());
        assertArrayEquals(new int[] {1}, e.report().failedInstances());

        QpOutput out = DifferentiableQp.solveWithMultipliers(Var.constant(d.pm()), qv, null, null,
                Var.constant(gt), Var.constant(ht), QpOptions.defaults().withFailurePolicy(FailurePolicy.FLAG));
        assertEquals(Status.INFEASIBLE, out.report().instances()[1].status());
        assertEquals(QpDerivative.ZERO, out.report().instances()[1].derivative());
        assertTrue(out.z().value().isFinite() && out.lambda().value().isFinite());
        Tensor grad = Autodiff.vjp(new Var[] {out.z()}, new Var[] {qv}, new Tensor[] {Tensor.full(1.0, 3, 4)})[0];
        assertTrue(grad.isFinite());
        for (int j = 0; j < 4; j++) {
            assertEquals(0.0, grad.get(1, j), 0.0);
            assertTrue(Math.abs(grad.get(0, j)) + Math.abs(grad.get(2, j)) > 0);
        }
    }
}
