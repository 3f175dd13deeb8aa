package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of the interior-point QP over seeded random instances: feasible ones (with equalities, inequalities,
 * semidefinite objectives, duplicated and weakly active constraints) agree with ojAlgo; infeasible and unbounded
 * ones get their status with a valid certificate; extreme rescalings of a known problem are solved or get a status
 * that is not optimal, never a wrong optimal one.
 */
class QpPropertyTest {
    private static final InteriorPointQpSolver IPM = new InteriorPointQpSolver();
    private static final OjAlgoQpSolver OJALGO = new OjAlgoQpSolver();

    /** A random feasible, bounded instance. */
    private static QpProblem feasible(SplittableRandom rng) {
        int n = 2 + rng.nextInt(10);
        int p = rng.nextInt(n / 2 + 1);
        int m = rng.nextInt(2 * n + 1);
        boolean semidefinite = rng.nextBoolean();
        // P = M M^T / n with M of rank n (definite) or about n / 2 (semidefinite; a box keeps it bounded).
        int rank = semidefinite ? 1 + n / 2 : n;
        double[] mm = gaussian(rng, n * rank);
        double[] pm = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                pm[i * n + j] = Vec.dot(mm, i * rank, mm, j * rank, rank) / n;
            }
        }
        double[] x0 = gaussian(rng, n);
        double[] a = gaussian(rng, p * n);
        double[] b = new double[p];
        Dense.multiply(a, p, n, x0, b);
        int box = semidefinite ? 2 * n : 0;
        double[] g = new double[(m + box) * n];
        double[] h = new double[m + box];
        System.arraycopy(gaussian(rng, m * n), 0, g, 0, m * n);
        for (int i = 0; i < m; i++) {
            if (i > 0 && rng.nextInt(5) == 0) {
                // A duplicated row: the active-set KKT matrix is singular if it is active.
                System.arraycopy(g, (i - 1) * n, g, i * n, n);
            }
            // Some constraints tight at x0 (weakly or strictly active), the others with slack.
            h[i] = Vec.dot(g, i * n, x0, 0, n) + (rng.nextInt(3) == 0 ? 0.0 : rng.nextDouble());
        }
        for (int j = 0; j < box / 2; j++) {
            g[(m + 2 * j) * n + j] = 1;
            g[(m + 2 * j + 1) * n + j] = -1;
            h[m + 2 * j] = Math.abs(x0[j]) + 3;
            h[m + 2 * j + 1] = Math.abs(x0[j]) + 3;
        }
        return new QpProblem(n, pm, gaussian(rng, n), a, b, g, h);
    }

    @Test
    void feasibleInstancesAreOptimalAndAgreeWithOjAlgo() {
        SplittableRandom rng = new SplittableRandom(2024);
        int compared = 0;
        for (int trial = 0; trial < 150; trial++) {
            QpProblem pr = feasible(rng);
            QpSolution s = IPM.solve(pr);
            String where = "trial " + trial + " (n " + pr.n + ", p " + pr.p + ", m " + pr.m + ")";
            assertEquals(Status.OPTIMAL, s.status(), where);
            assertTrue(pr.relativeKktResidual(s.z(), s.nu(), s.lambda()) <= 1e-6, where);
            assertTrue(s.kktResidual() <= 1e-6 * (1 + Vec.normInf(pr.q) + Vec.normInf(pr.h) + Vec.normInf(pr.b)),
                    where + ": KKT residual " + s.kktResidual());
            QpSolution ref = OJALGO.solve(pr);
            if (ref.optimal()) {
                double obj = pr.objective(s.z());
                assertEquals(pr.objective(ref.z()), obj, 1e-6 * (1 + Math.abs(obj)), where);
                compared++;
            }
        }
        assertTrue(compared >= 120, "ojAlgo solved only " + compared + " of 150");
    }

    @Test
    void infeasibleInstancesGetAValidFarkasCertificate() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 60; trial++) {
            QpProblem base = feasible(rng);
            int n = base.n;
            // Add g^T x <= c and -g^T x <= -c - gap: no point satisfies both.
            double[] gRow = gaussian(rng, n);
            double c = rng.nextGaussian();
            double gap = Math.pow(10, -3 + 3 * rng.nextDouble());
            double[] g = new double[(base.m + 2) * n];
            double[] h = new double[base.m + 2];
            System.arraycopy(base.g, 0, g, 0, base.m * n);
            System.arraycopy(base.h, 0, h, 0, base.m);
            for (int j = 0; j < n; j++) {
                g[base.m * n + j] = gRow[j];
                g[(base.m + 1) * n + j] = -gRow[j];
            }
            h[base.m] = c;
            h[base.m + 1] = -c - gap;
            QpProblem pr = new QpProblem(n, base.pm, base.q, base.a, base.b, g, h);
            QpSolution s = IPM.solve(pr);
            assertEquals(Status.INFEASIBLE, s.status(), "trial " + trial + ", gap " + gap);
            assertTrue(pr.farkasViolation(s.nu(), s.lambda()) <= 1e-4, "trial " + trial);
            assertEquals(-1.0, Vec.dot(pr.b, s.nu()) + Vec.dot(pr.h, s.lambda()), 1e-9, "trial " + trial);
        }
    }

    @Test
    void unboundedInstancesGetAValidDirection() {
        SplittableRandom rng = new SplittableRandom(8);
        for (int trial = 0; trial < 60; trial++) {
            int n = 2 + rng.nextInt(8);
            // A direction d, P = M M^T with the columns of M orthogonal to d, q with q^T d < 0, A d = 0, G d <= 0.
            double[] d = gaussian(rng, n);
            double[] mm = gaussian(rng, n * n);
            for (int k = 0; k < n; k++) {
                project(mm, k, n, d);
            }
            double[] pm = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += mm[k * n + i] * mm[k * n + j];
                    }
                    pm[i * n + j] = s / n;
                }
            }
            int p = rng.nextInt(n / 2 + 1);
            double[] a = gaussian(rng, p * n);
            for (int i = 0; i < p; i++) {
                projectRow(a, i, n, d);
            }
            int m = rng.nextInt(2 * n + 1);
            double[] g = gaussian(rng, m * n);
            for (int i = 0; i < m; i++) {
                double gd = Vec.dot(g, i * n, d, 0, n);
                if (gd > 0) {
                    Vec.axpy(-(1 + rng.nextDouble()) * gd / Vec.dot(d, d), d, 0, g, i * n, n);
                }
            }
            double[] x0 = gaussian(rng, n);
            double[] b = new double[p];
            Dense.multiply(a, p, n, x0, b);
            double[] h = new double[m];
            for (int i = 0; i < m; i++) {
                h[i] = Vec.dot(g, i * n, x0, 0, n) + rng.nextDouble();
            }
            double[] q = gaussian(rng, n);
            Vec.axpy(-(Vec.dot(q, d) + 1) / Vec.dot(d, d), d, 0, q, 0, n);
            QpProblem pr = new QpProblem(n, pm, q, a, b, g, h);
            QpSolution s = IPM.solve(pr);
            assertEquals(Status.UNBOUNDED, s.status(), "trial " + trial);
            assertTrue(pr.rayViolation(s.z()) <= 1e-4, "trial " + trial);
            assertEquals(-1.0, Vec.dot(pr.q, s.z()), 1e-9, "trial " + trial);
        }
    }

    @Test
    void extremeScalingsAreSolvedOrFlaggedNeverWronglyOptimal() {
        SplittableRandom rng = new SplittableRandom(9);
        int solved = 0;
        int trials = 100;
        for (int trial = 0; trial < trials; trial++) {
            QpProblem base = feasible(rng);
            QpSolution ref = IPM.solve(base);
            assertEquals(Status.OPTIMAL, ref.status());
            int n = base.n;
            int p = base.p;
            int m = base.m;
            // Variables, rows and objective rescaled by 10^U(-4, 4): entries from about 1e-8 to 1e8.
            double[] dv = powers(rng, n);
            double[] ea = powers(rng, p);
            double[] eg = powers(rng, m);
            double cost = Math.pow(10, -4 + 8 * rng.nextDouble());
            double[] pm = new double[n * n];
            double[] q = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    pm[i * n + j] = cost * dv[i] * base.pm[i * n + j] * dv[j];
                }
                q[i] = cost * dv[i] * base.q[i];
            }
            double[] a = new double[p * n];
            double[] b = new double[p];
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < n; j++) {
                    a[i * n + j] = ea[i] * base.a[i * n + j] * dv[j];
                }
                b[i] = ea[i] * base.b[i];
            }
            double[] g = new double[m * n];
            double[] h = new double[m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    g[i * n + j] = eg[i] * base.g[i * n + j] * dv[j];
                }
                h[i] = eg[i] * base.h[i];
            }
            QpProblem pr = new QpProblem(n, pm, q, a, b, g, h);
            QpSolution s = IPM.solve(pr);
            if (s.status() != Status.OPTIMAL) {
                assertTrue(s.status() == Status.OPTIMAL_INACCURATE || s.status() == Status.NUMERICAL_FAILURE
                        || s.status() == Status.ITERATION_LIMIT, "trial " + trial + ": " + s.status());
                continue;
            }
            solved++;
            // The solution in the original units z = D z' has the base problem's objective value.
            double[] z = new double[n];
            for (int j = 0; j < n; j++) {
                z[j] = dv[j] * s.z()[j];
            }
            double obj = base.objective(z);
            double refObj = base.objective(ref.z());
            assertEquals(refObj, obj, 1e-5 * (1 + Math.abs(refObj)), "trial " + trial);
            double[] slack = base.slacks(z);
            for (int i = 0; i < m; i++) {
                assertTrue(slack[i] >= -1e-5 * (1 + Math.abs(base.h[i])), "trial " + trial + ", row " + i);
            }
        }
        assertTrue(solved >= 0.9 * trials, "solved " + solved + " of " + trials);
    }

    private static double[] gaussian(SplittableRandom rng, int size) {
        return Tensor.randn(rng, size).data();
    }

    private static double[] powers(SplittableRandom rng, int size) {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = Math.pow(10, -4 + 8 * rng.nextDouble());
        }
        return out;
    }

    /** Makes column {@code k} of the {@code n x n} row-major {@code mm}... as a row: row {@code k} orthogonal to d. */
    private static void project(double[] mm, int k, int n, double[] d) {
        projectRow(mm, k, n, d);
    }

    /** Removes from row {@code i} of {@code mat} its component along {@code d}. */
    private static void projectRow(double[] mat, int i, int n, double[] d) {
        Vec.axpy(-Vec.dot(mat, i * n, d, 0, n) / Vec.dot(d, d), d, 0, mat, i * n, n);
    }
}
