package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The interior-point solver against ojAlgo's ConvexSolver and against planted solutions, on feasible
 * instances with and without active, weakly active and equality constraints; and its infeasibility and
 * unboundedness certificates.
 */
class InteriorPointQpSolverTest {
    private static final InteriorPointQpSolver IPM = new InteriorPointQpSolver();
    private static final OjAlgoQpSolver OJALGO = new OjAlgoQpSolver();

    private static double maxDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /**
     * Solves {@code batch} instances of one shape with both solvers and checks status, KKT residual,
     * agreement in {@code z} and objective, and the planted solution.
     */
    private static void agreeOnRandomInstances(long seed, int n, int p, int m, int active, int weak) {
        int batch = 4;
        RandomQp.Planted data = RandomQp.planted(seed, batch, n, p, m, active, weak, false);
        QpBatch qps = data.batch();
        for (int k = 0; k < batch; k++) {
            QpProblem pr = qps.instance(k);
            QpSolution ipm = IPM.solve(pr);
            QpSolution ref = OJALGO.solve(pr);
            String where = "seed " + seed + " (n " + n + ", p " + p + ", m " + m + ", active " + active + ", weak "
                    + weak + ") instance " + k;
            assertEquals(Status.OPTIMAL, ipm.status(), where);
            assertEquals(Status.OPTIMAL, ref.status(), where);
            assertTrue(ipm.kktResidual() <= 1e-9, where + ": KKT residual " + ipm.kktResidual());
            assertTrue(maxDiff(ipm.z(), ref.z()) <= 1e-7, where + ": |z - z_ojalgo| " + maxDiff(ipm.z(), ref.z()));
            double obj = pr.objective(ipm.z());
            assertEquals(pr.objective(ref.z()), obj, 1e-7 * (1 + Math.abs(obj)), where);
            assertTrue(maxDiff(ipm.z(), data.z()[k]) <= 1e-7, where + ": planted z");
            assertTrue(maxDiff(ipm.lambda(), data.lambda()[k]) <= 1e-6, where + ": planted lambda");
            assertTrue(maxDiff(ipm.nu(), data.nu()[k]) <= 1e-6, where + ": planted nu");
        }
    }

    @Test
    void agreesWithOjAlgoWithActiveInequalitiesAndEqualities() {
        for (long seed = 1; seed <= 3; seed++) {
            agreeOnRandomInstances(seed, 50, 10, 20, 8, 0);
        }
        agreeOnRandomInstances(4, 12, 3, 30, 9, 0);
    }

    @Test
    void agreesWithOjAlgoWithNoActiveInequality() {
        agreeOnRandomInstances(5, 50, 10, 20, 0, 0);
        agreeOnRandomInstances(6, 8, 0, 6, 0, 0);
    }

    @Test
    void agreesWithOjAlgoOnDegenerateInstances() {
        // Weakly active inequalities (lambda = 0 and slack = 0) and a fully determined active set.
        agreeOnRandomInstances(7, 50, 10, 20, 8, 3);
        agreeOnRandomInstances(8, 10, 0, 5, 2, 3);
        agreeOnRandomInstances(9, 20, 5, 25, 15, 0);
    }

    @Test
    void agreesWithOjAlgoWithOnlyEqualitiesOrOnlyInequalities() {
        agreeOnRandomInstances(10, 15, 6, 0, 0, 0);
        agreeOnRandomInstances(11, 15, 0, 10, 4, 0);
    }

    @Test
    void agreesWithOjAlgoOnUnplantedInstancesWithSmallMultipliers() {
        // The benchmark's family: nothing planted, some active constraints with multipliers near 1e-4, over
        // four orders of magnitude of q.
        for (double qScale : new double[] {0.1, 1, 10, 100}) {
            Tensor[] d = RandomQp.feasible(14, 16, 50, 10, 20, qScale);
            QpBatch batch = QpBatch.of(d[0], d[1], d[2], d[3], d[4], d[5]);
            for (int k = 0; k < batch.size(); k++) {
                QpProblem pr = batch.instance(k);
                QpSolution ipm = IPM.solve(pr);
                QpSolution ref = OJALGO.solve(pr);
                String where = "q scale " + qScale + ", instance " + k;
                assertEquals(Status.OPTIMAL, ipm.status(), where);
                assertEquals(Status.OPTIMAL, ref.status(), where);
                assertTrue(ipm.kktResidual() <= 1e-9, where + ": KKT residual " + ipm.kktResidual());
                double scale = 1 + Vec.normInf(ref.z());
                assertTrue(maxDiff(ipm.z(), ref.z()) <= 1e-7 * scale, where + ": |z - z_ojalgo| "
                        + maxDiff(ipm.z(), ref.z()));
                double obj = pr.objective(ipm.z());
                assertEquals(pr.objective(ref.z()), obj, 1e-7 * (1 + Math.abs(obj)), where);
            }
        }
    }

    @Test
    void contradictoryInequalitiesAreInfeasibleWithACertificate() {
        // x_1 <= 0 and -x_1 <= -1.
        QpProblem pr = QpProblem.of(Tensor.eye(2), Tensor.vector(1, 1), null, null,
                Tensor.matrix(new double[][] {{1, 0}, {-1, 0}}), Tensor.vector(0, -1));
        QpSolution s = IPM.solve(pr);
        assertEquals(Status.INFEASIBLE, s.status());
        assertEquals(Status.INFEASIBLE, OJALGO.solve(pr).status());
        assertFarkasCertificate(pr, s);
    }

    @Test
    void contradictoryEqualitiesAndInequalitiesAreInfeasible() {
        // x_1 + x_2 = 3 with x_1 <= 1, x_2 <= 1.
        QpProblem pr = QpProblem.of(Tensor.eye(2), Tensor.vector(1, -1), Tensor.matrix(new double[][] {{1, 1}}),
                Tensor.vector(3), Tensor.eye(2), Tensor.vector(1, 1));
        QpSolution s = IPM.solve(pr);
        assertEquals(Status.INFEASIBLE, s.status());
        assertEquals(Status.INFEASIBLE, OJALGO.solve(pr).status());
        assertFarkasCertificate(pr, s);
    }

    /** {@code lambda >= 0}, {@code A^T nu + G^T lambda ~ 0}, {@code b^T nu + h^T lambda = -1}, nothing NaN. */
    private static void assertFarkasCertificate(QpProblem pr, QpSolution s) {
        assertTrue(Vec.allFinite(s.z()) && Vec.allFinite(s.nu()) && Vec.allFinite(s.lambda()));
        double[] aty = new double[pr.n];
        double[] t = new double[pr.n];
        Dense.multiplyTranspose(pr.a, pr.p, pr.n, s.nu(), aty);
        Dense.multiplyTranspose(pr.g, pr.m, pr.n, s.lambda(), t);
        for (int j = 0; j < pr.n; j++) {
            assertEquals(0.0, aty[j] + t[j], 1e-7);
        }
        for (double l : s.lambda()) {
            assertTrue(l >= 0);
        }
        assertEquals(-1.0, Vec.dot(pr.b, s.nu()) + Vec.dot(pr.h, s.lambda()), 1e-12);
    }

    @Test
    void linearObjectiveWithAnOpenDirectionIsUnbounded() {
        // min -x_1 s.t. x_2 <= 1, with P = 0.
        QpProblem pr = QpProblem.of(Tensor.zeros(2, 2), Tensor.vector(-1, 0), null, null,
                Tensor.matrix(new double[][] {{0, 1}}), Tensor.vector(1));
        QpSolution s = IPM.solve(pr);
        assertEquals(Status.UNBOUNDED, s.status());
        assertEquals(Status.UNBOUNDED, OJALGO.solve(pr).status());
        assertImprovingDirection(pr, s.z());
    }

    @Test
    void semidefiniteObjectiveWithAnOpenDirectionIsUnbounded() {
        // min 1/2 x_1^2 - x_2 + x_3 s.t. x_2 + x_3 = 1, x_1 <= 1: x_2 -> inf along (0, 1, -1).
        QpProblem pr = QpProblem.of(Tensor.matrix(new double[][] {{1, 0, 0}, {0, 0, 0}, {0, 0, 0}}),
                Tensor.vector(0, -1, 1), Tensor.matrix(new double[][] {{0, 1, 1}}), Tensor.vector(1),
                Tensor.matrix(new double[][] {{1, 0, 0}}), Tensor.vector(1));
        QpSolution s = IPM.solve(pr);
        assertEquals(Status.UNBOUNDED, s.status());
        assertImprovingDirection(pr, s.z());
    }

    /** {@code q^T d = -1}, {@code P d ~ 0}, {@code A d ~ 0}, {@code G d <~ 0}. */
    private static void assertImprovingDirection(QpProblem pr, double[] d) {
        assertEquals(-1.0, Vec.dot(pr.q, d), 1e-12);
        double[] t = new double[Math.max(pr.n, Math.max(pr.p, pr.m))];
        Dense.multiply(pr.pm, pr.n, pr.n, d, t);
        assertTrue(Vec.normInf(Arrays.copyOf(t, pr.n)) <= 1e-7);
        Dense.multiply(pr.a, pr.p, pr.n, d, t);
        for (int i = 0; i < pr.p; i++) {
            assertEquals(0.0, t[i], 1e-7);
        }
        Dense.multiply(pr.g, pr.m, pr.n, d, t);
        for (int i = 0; i < pr.m; i++) {
            assertTrue(t[i] <= 1e-7);
        }
    }

    @Test
    void linearProgramsAndDependentConstraintsAreSolved() {
        // LP with a unique vertex: min -x_1 - x_2 over [0, 1] x [0, 2].
        QpProblem lp = QpProblem.of(Tensor.zeros(2, 2), Tensor.vector(-1, -1), null, null,
                Tensor.matrix(new double[][] {{1, 0}, {0, 1}, {-1, 0}, {0, -1}}), Tensor.vector(1, 2, 0, 0));
        QpSolution s = IPM.solve(lp);
        assertEquals(Status.OPTIMAL, s.status());
        assertEquals(0.0, maxDiff(s.z(), new double[] {1, 2}), 1e-9);
        assertTrue(s.kktResidual() <= 1e-9);
        // The same inequality twice (LICQ fails, the polish system is singular) and redundant equalities.
        QpProblem dup = QpProblem.of(Tensor.eye(2), Tensor.vector(-2, -2), Tensor.matrix(new double[][] {{0, 1},
                {0, 2}}), Tensor.vector(2, 4), Tensor.matrix(new double[][] {{1, 0}, {1, 0}}), Tensor.vector(1, 1));
        QpSolution d = IPM.solve(dup);
        assertEquals(Status.OPTIMAL, d.status());
        assertEquals(0.0, maxDiff(d.z(), new double[] {1, 2}), 1e-7);
        assertTrue(d.kktResidual() <= 1e-7, "KKT residual " + d.kktResidual());
    }

    @Test
    void iterationLimitIsReportedWithFiniteIterates() {
        RandomQp.Planted data = RandomQp.planted(12, 1, 20, 4, 10, 3, 0, true);
        QpSolution s = new InteriorPointQpSolver(1e-8, 1e-8, 1, false).solve(data.batch().instance(0));
        assertEquals(Status.ITERATION_LIMIT, s.status());
        assertEquals(1, s.iterations());
        assertTrue(Vec.allFinite(s.z()) && Double.isFinite(s.kktResidual()));
    }

    @Test
    void batchSolverMatchesInstanceByInstanceSolves() {
        RandomQp.Planted data = RandomQp.planted(13, 9, 10, 2, 6, 2, 0, false);
        QpBatch batch = data.batch();
        QpSolution[] all = QpBatchSolver.solve(IPM, batch);
        for (int k = 0; k < batch.size(); k++) {
            assertEquals(0.0, maxDiff(all[k].z(), IPM.solve(batch.instance(k)).z()), 0.0);
        }
    }
}
