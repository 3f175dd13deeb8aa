package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Badly scaled and ill-conditioned QPs: the interior-point method on the equilibrated problem, statuses decided
 * on the original data, and KKT gradients that are accurate where the system is nonsingular and flagged with
 * their condition number where it is not.
 */
class QpScalingTest {
    private static final InteriorPointQpSolver IPM = new InteriorPointQpSolver();

    @Test
    void boxedQpWithAHugeLinearTermIsSolvedNotUnbounded() {
        QpProblem pr = QpProblem.of(Tensor.eye(2), Tensor.vector(1e8, -1e8), null, null,
                Tensor.matrix(new double[][] {{1, 0}, {0, 1}, {-1, 0}, {0, -1}}), Tensor.vector(1, 1, 1, 1));
        QpSolution s = IPM.solve(pr);
        assertEquals(Status.OPTIMAL, s.status());
        assertArrayEquals(new double[] {-1, 1}, s.z(), 1e-12);
        // P z + q + G^T lambda = 0: lambda = (0, 1e8 - 1, 1e8 - 1, 0).
        assertArrayEquals(new double[] {0, 1e8 - 1, 1e8 - 1, 0}, s.lambda(), 1e-6);
        assertTrue(pr.relativeKktResidual(s.z(), s.nu(), s.lambda()) <= 1e-12);
    }

    @Test
    void tinyCurvatureWithoutConstraintsHasItsFarAwayMinimum() {
        QpProblem pr = QpProblem.of(Tensor.eye(2).map(v -> 1e-8 * v), Tensor.vector(1, -2), null, null, null, null);
        QpSolution s = IPM.solve(pr);
        assertEquals(Status.OPTIMAL, s.status());
        assertArrayEquals(new double[] {-1e8, 2e8}, s.z(), 1e-4);
        // The same with tiny data all round: a residual that is small in absolute terms is not enough.
        QpProblem tiny = QpProblem.of(Tensor.eye(2).map(v -> 1e-8 * v), Tensor.vector(1e-8, 1e-8), null, null,
                null, null);
        QpSolution t = IPM.solve(tiny);
        assertEquals(Status.OPTIMAL, t.status());
        assertArrayEquals(new double[] {-1, -1}, t.z(), 1e-12);
    }

    @Test
    void certificatesAreCheckedOnTheOriginalData() {
        // Infeasible with rows of very different scales: 1e-6 x_1 <= -1e-6 and -1e6 x_1 <= -1e6 (x_1 >= 1).
        QpProblem pr = QpProblem.of(Tensor.eye(2), Tensor.vector(1, 1), null, null,
                Tensor.matrix(new double[][] {{1e-6, 0}, {-1e6, 0}}), Tensor.vector(-1e-6, -1e6));
        QpSolution s = IPM.solve(pr);
        assertEquals(Status.INFEASIBLE, s.status());
        assertTrue(pr.farkasViolation(s.nu(), s.lambda()) <= 1e-8);
        assertEquals(-1.0, s.lambda()[0] * -1e-6 + s.lambda()[1] * -1e6, 1e-12);
        // Unbounded with a badly scaled variable: min -1e6 x_1 + 1e-6 x_2^2.
        QpProblem ray = QpProblem.of(Tensor.matrix(new double[][] {{0, 0}, {0, 1e-6}}), Tensor.vector(-1e6, 0),
                null, null, Tensor.matrix(new double[][] {{0, 1}}), Tensor.vector(1));
        QpSolution u = IPM.solve(ray);
        assertEquals(Status.UNBOUNDED, u.status());
        assertTrue(ray.rayViolation(u.z()) <= 1e-8);
        // A direction that is not one (G d <= 0 fails) is rejected.
        assertTrue(ray.rayViolation(new double[] {1, 1}) >= 0.5);
        QpProblem boxed = QpProblem.of(Tensor.eye(2), Tensor.vector(1e8, -1e8), null, null,
                Tensor.matrix(new double[][] {{1, 0}, {0, 1}, {-1, 0}, {0, -1}}), Tensor.vector(1, 1, 1, 1));
        assertTrue(boxed.rayViolation(new double[] {-1e-8, 0}) >= 0.5);
    }

    /** {@code min 1/2 ||z||^2 + q^T z s.t. A z = b} with the second equality row scaled by {@code 1e-7}. */
    private static Tensor[] badlyScaledEqualities(double rowScale, double nearDependence) {
        return new Tensor[] {Tensor.eye(3), Tensor.of(new double[] {1, -1, 0.5}, 1, 3),
            Tensor.matrix(new double[][] {{1, 1, 1}, {rowScale, rowScale * (1 + nearDependence), 2 * rowScale}}),
            Tensor.of(new double[] {1, 0.3 * rowScale}, 1, 2)};
    }

    private static Function<Var[], Var> qpOf(Tensor[] data, int role) {
        return x -> {
            Var[] v = new Var[4];
            for (int i = 0; i < 4; i++) {
                v[i] = i == role ? x[0] : Var.constant(data[i]);
            }
            QpOutput out = DifferentiableQp.solveWithMultipliers(v[0], v[1], v[2], v[3], null, null,
                    QpOptions.defaults());
            return Structure.concat(out.z(), out.nu());
        };
    }

    @Test
    void badlyScaledButNonsingularEqualitiesGiveExactGradients() {
        Tensor[] data = badlyScaledEqualities(1e-7, 0.0);
        QpOutput out = DifferentiableQp.solveWithMultipliers(Var.param(data[0]), Var.param(data[1]),
                Var.param(data[2]), Var.param(data[3]), null, null, QpOptions.defaults());
        QpInstanceReport r = out.report().instances()[0];
        assertEquals(QpDerivative.EXACT, r.derivative());
        assertEquals(Status.OPTIMAL, r.gradientStatus());
        assertTrue(r.conditionNumber() < 1e3, "condition " + r.conditionNumber());
        // The map (q, b) -> (z, nu) is linear: central differences are exact up to rounding.
        double[] steps = {1e-6, 1e-6, 1e-12, 1e-12};
        for (int role = 0; role < 4; role++) {
            GradientCheck.Result res = GradientCheck.check(qpOf(data, role), new Tensor[] {data[role]}, 3,
                    steps[role], 40 + role);
            assertTrue(res.passes(1e-5), "parameter " + role + ": " + res.worstRelativeError());
        }
    }

    @Test
    void nearlyDependentEqualitiesAreFlaggedWithTheirConditionNumber() {
        // Rows (1, 1, 1) and (1, 1 + 1e-5, 2): independent, condition about 1e5 -- exact and accurate.
        Tensor[] mild = badlyScaledEqualities(1.0, 1e-5);
        QpInstanceReport r = report(mild);
        assertEquals(QpDerivative.EXACT, r.derivative());
        assertEquals(Status.OPTIMAL, r.gradientStatus());
        // Rows (1, 1, 1) and (1, 1, 1 + 1e-9): condition above 1e10, exact but flagged inaccurate.
        Tensor[] bad = {Tensor.eye(3), Tensor.of(new double[] {1, -1, 0.5}, 1, 3),
            Tensor.matrix(new double[][] {{1, 1, 1}, {1, 1, 1 + 1e-6}}), Tensor.of(new double[] {1, 1}, 1, 2)};
        QpInstanceReport ill = report(bad);
        assertTrue(ill.conditionNumber() > QpInstanceReport.CONDITION_LIMIT || ill.regularized(),
                "condition " + ill.conditionNumber());
        assertTrue(!ill.gradientStatus().ok());
        // Dependent to rounding: regularized, SINGULAR, infinite condition.
        Tensor[] dependent = {Tensor.eye(3), Tensor.of(new double[] {1, -1, 0.5}, 1, 3),
            Tensor.matrix(new double[][] {{1, 1, 1}, {2, 2, 2 + 1e-15}}), Tensor.of(new double[] {1, 2}, 1, 2)};
        QpOutput out = DifferentiableQp.solveWithMultipliers(Var.param(dependent[0]), Var.param(dependent[1]),
                Var.param(dependent[2]), Var.param(dependent[3]), null, null, QpOptions.defaults());
        QpInstanceReport sing = out.report().instances()[0];
        assertEquals(QpDerivative.REGULARIZED, sing.derivative());
        assertEquals(Status.SINGULAR, sing.gradientStatus());
        assertEquals(Double.POSITIVE_INFINITY, sing.conditionNumber());
        assertArrayEquals(new int[] {0}, out.report().flaggedGradients());
        assertTrue(Autodiff.vjp(new Var[] {out.z()}, new Var[] {Var.param(dependent[1])},
                new Tensor[] {Tensor.full(1.0, 1, 3)})[0].isFinite());
    }

    private static QpInstanceReport report(Tensor[] data) {
        return DifferentiableQp.solveWithMultipliers(Var.param(data[0]), Var.param(data[1]), Var.param(data[2]),
                Var.param(data[3]), null, null, QpOptions.defaults()).report().instances()[0];
    }
}
