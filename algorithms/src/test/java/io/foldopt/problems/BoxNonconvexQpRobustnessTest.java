package io.foldopt.problems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The box-constrained nonconvex problem on indefinite and ill-conditioned {@code Q}: projected Newton's answers
 * are checked by brute force (projected-gradient residual, no feasible descent among small perturbations, the
 * reduced Hessian's eigenvalues on the free coordinates), and the status agrees with that check.
 */
class BoxNonconvexQpRobustnessTest {
    private static final double TOL = 1e-12;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static ProjectedNewton.Result solve(double[][] q, double[] c) {
        return new BoxNonconvexQp(Tensor.matrix(q), -1, 1).solve(c, TOL, 1000, LIMIT);
    }

    @Test
    void indefiniteQGivesALocalMinimumNotAMaximum() {
        double[][] q = {{-3, 0}, {0, 1}};
        for (double[] c : new double[][] {{0.5, -0.3}, {0, 0}, {-2, 1.5}}) {
            ProjectedNewton.Result r = solve(q, c);
            assertEquals(Status.OPTIMAL, r.status(), Arrays.toString(c));
            assertEquals(1.0, Math.abs(r.x()[0]), 0.0, "the concave coordinate ends on a bound");
            assertBruteForceLocalMinimum(q, c, r.x());
        }
    }

    @Test
    void negativeIdentityLeavesTheMaximumAtZero() {
        double[][] q = {{-1, 0}, {0, -1}};
        double[] c = {0, 0};
        BoxNonconvexQp problem = new BoxNonconvexQp(Tensor.matrix(q), -1, 1);
        double[] g = new double[2];
        double[] h = new double[4];
        double[] zero = new double[2];
        problem.objective(c).gradient(zero, g);
        problem.objective(c).hessian(zero, h);
        StationaryPointCheck.Result atZero = StationaryPointCheck.classify(zero, g, new double[] {-1, -1},
                new double[] {1, 1}, h, 1e-12);
        assertEquals(StationaryPointCheck.Kind.MAXIMUM, atZero.kind());
        assertEquals(Status.NOT_A_MINIMUM, atZero.status());
        ProjectedNewton.Result r = solve(q, c);
        assertEquals(Status.OPTIMAL, r.status());
        assertTrue(r.escapes() >= 1, "left x = 0 along negative curvature");
        assertEquals(1.0, Math.abs(r.x()[0]), 0.0);
        assertEquals(1.0, Math.abs(r.x()[1]), 0.0);
    }

    @Test
    void illConditionedConvexProblemsConvergeInFewIterations() {
        double[][][] qs = {{{2, -2}, {-2, 2}}, {{1e6, 0}, {0, 1}}};
        for (double[][] q : qs) {
            for (double[] c : new double[][] {{1, -0.5}, {0.3, 0.2}, {-2, 3}}) {
                ProjectedNewton.Result r = solve(q, c);
                assertTrue(r.status() == Status.OPTIMAL, Arrays.deepToString(q) + " " + Arrays.toString(c) + ": "
                        + r.status());
                assertTrue(r.iterations() < 50, "iterations " + r.iterations());
                assertBruteForceLocalMinimum(q, c, r.x());
            }
        }
    }

    @Test
    void largeProblemWithOneLargeEigenvalueIsSolvedByNewton() {
        int n = 400;
        SplittableRandom rng = new SplittableRandom(3);
        double[] u = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            u[i] = rng.nextGaussian();
            norm += u[i] * u[i];
        }
        double[] q = new double[n * n];
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = rng.nextGaussian();
            for (int j = 0; j < n; j++) {
                q[i * n + j] = 1e6 * u[i] * u[j] / norm + (i == j ? 1.5 : 0);
            }
        }
        BoxNonconvexQp problem = new BoxNonconvexQp(Tensor.wrap(q, n, n), -1, 1);
        double lambdaMax = 1e6 + 1.5;
        assertTrue(problem.spectralBound() >= lambdaMax && problem.spectralBound() <= lambdaMax * (1 + 1e-6),
                "bound " + problem.spectralBound());
        ProjectedNewton.Result r = problem.solve(c, TOL, 1000, LIMIT);
        assertEquals(Status.OPTIMAL, r.status());
        assertTrue(r.iterations() < 100, "iterations " + r.iterations());
    }

    @Test
    void newtonForwardSolverFoldsLikeTheAcceleratedOneAndNamesAFailingInstance() {
        BoxNonconvexQp problem = BoxNonconvexQp.random(12, 8);
        Tensor c = problem.randomParameters(3, 9);
        Tensor newton = problem.newtonSolver(TOL, 100, LIMIT).solve(new Tensor[] {c});
        Tensor fista = problem.solver(1e-14, 100_000).solve(new Tensor[] {c});
        for (int i = 0; i < newton.size(); i++) {
            assertEquals(fista.data()[i], newton.data()[i], 1e-10);
        }
        BoxNonconvexQp flat = new BoxNonconvexQp(Tensor.zeros(2, 2), -1, 1);
        ArithmeticException e = org.junit.jupiter.api.Assertions.assertThrows(ArithmeticException.class,
                () -> flat.newtonSolver(TOL, 100, LIMIT).solve(new Tensor[] {Tensor.wrap(new double[] {1, 1, 0, 0},
                        2, 2)}));
        assertTrue(e.getMessage().contains("instance 1") && e.getMessage().contains("not-a-minimum"),
                e.getMessage());
    }

    @Test
    void iterationLimitIsReported() {
        ProjectedNewton.Result r = new BoxNonconvexQp(Tensor.matrix(new double[][] {{1e6, 0}, {0, 1}}), -1, 1)
                .solve(new double[] {1, 0.5}, TOL, 1, LIMIT);
        assertEquals(Status.ITERATION_LIMIT, r.status());
    }

    /** Random indefinite, ill-conditioned Q: the status agrees with an independent check of the answer. */
    @Test
    void randomIndefiniteProblemsAgreeWithABruteForceCheck() {
        SplittableRandom rng = new SplittableRandom(17);
        int optimal = 0;
        for (int trial = 0; trial < 60; trial++) {
            int n = 2 + rng.nextInt(5);
            double[][] q = randomSymmetric(n, rng);
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = 2 * rng.nextGaussian();
            }
            ProjectedNewton.Result r = solve(q, c);
            String label = Arrays.deepToString(q) + ", c " + Arrays.toString(c);
            assertTrue(r.status() == Status.OPTIMAL || r.status() == Status.NOT_A_MINIMUM, r.status() + ": " + label);
            assertNotNull(r.point(), label);
            assertEquals(r.status(), r.point().status(), label);
            if (r.status() == Status.OPTIMAL) {
                optimal++;
                assertBruteForceLocalMinimum(q, c, r.x());
            }
        }
        assertTrue(optimal >= 55, "local minima found on " + optimal + " of 60");
    }

    /** Q = V diag(lambda) V^T with random orthogonal V and eigenvalues of random signs over six decades. */
    private static double[][] randomSymmetric(int n, SplittableRandom rng) {
        double[][] v = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                v[i][j] = rng.nextGaussian();
            }
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[i][j] * v[i][k];
                }
                for (int i = 0; i < n; i++) {
                    v[i][j] -= dot * v[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += v[i][j] * v[i][j];
            }
            for (int i = 0; i < n; i++) {
                v[i][j] /= Math.sqrt(norm);
            }
        }
        double[] lambda = new double[n];
        for (int k = 0; k < n; k++) {
            lambda[k] = (rng.nextBoolean() ? 1 : -1) * Math.pow(10, rng.nextDouble(-2, 4));
        }
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += v[i][k] * lambda[k] * v[j][k];
                }
                q[i][j] = s;
                q[j][i] = s;
            }
        }
        return q;
    }

    private static double f(double[][] q, double[] c, double[] x) {
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                v += 0.5 * x[i] * q[i][j] * x[j];
            }
            v += c[i] * Math.sin(x[i]);
        }
        return v;
    }

    /**
     * Checks, independently of the solver: the projected-gradient residual is about 0; the Hessian restricted to
     * the free coordinates has positive eigenvalues (Jacobi); no small feasible perturbation decreases f.
     */
    private static void assertBruteForceLocalMinimum(double[][] q, double[] c, double[] x) {
        int n = x.length;
        double scale = 1;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                g[i] += q[i][j] * x[j];
                row += Math.abs(q[i][j]);
            }
            g[i] += c[i] * Math.cos(x[i]);
            scale = Math.max(scale, row + Math.abs(c[i]));
        }
        int[] free = new int[n];
        int nf = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(x[i] >= -1 && x[i] <= 1, "in the box");
            double projected = Math.min(Math.max(x[i] - g[i], -1), 1);
            assertEquals(x[i], projected, 1e-10 * scale, "projected-gradient residual at " + i);
            if (Math.abs(x[i]) < 1) {
                free[nf++] = i;
            }
        }
        double[][] hf = new double[nf][nf];
        for (int a = 0; a < nf; a++) {
            for (int b = 0; b < nf; b++) {
                hf[a][b] = q[free[a]][free[b]] - (a == b ? c[free[a]] * Math.sin(x[free[a]]) : 0);
            }
        }
        for (double lambda : jacobiEigenvalues(hf)) {
            assertTrue(lambda > 0, "reduced Hessian eigenvalue " + lambda);
        }
        double fx = f(q, c, x);
        SplittableRandom rng = new SplittableRandom(99);
        for (int k = 0; k < 300; k++) {
            double h = Math.pow(10, -rng.nextDouble(2, 5));
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = Math.min(Math.max(x[i] + h * rng.nextGaussian(), -1), 1);
            }
            assertTrue(f(q, c, y) >= fx - 1e-12 * scale, "a feasible perturbation decreases f");
        }
    }

    /** @return the eigenvalues of a symmetric matrix by cyclic Jacobi rotations */
    private static double[] jacobiEigenvalues(double[][] a0) {
        int n = a0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int r = p + 1; r < n; r++) {
                    off += a[p][r] * a[p][r];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int r = p + 1; r < n; r++) {
                    if (a[p][r] == 0) {
                        continue;
                    }
                    double theta = (a[r][r] - a[p][p]) / (2 * a[p][r]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double cs = 1 / Math.sqrt(t * t + 1);
                    double sn = t * cs;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akr = a[k][r];
                        a[k][p] = cs * akp - sn * akr;
                        a[k][r] = sn * akp + cs * akr;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double ark = a[r][k];
                        a[p][k] = cs * apk - sn * ark;
                        a[r][k] = sn * apk + cs * ark;
                    }
                }
            }
        }
        double[] eig = new double[n];
        for (int i = 0; i < n; i++) {
            eig[i] = a[i][i];
        }
        return eig;
    }
}
