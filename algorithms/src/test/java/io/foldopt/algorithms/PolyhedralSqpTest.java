package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static io.foldopt.algorithms.FoldingAssertions.spd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.PolyhedralSqp;
import io.foldopt.qp.QpOptions;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The local SQP over a polyhedron: KKT points, global solutions of convex cases, PGD-b fixed points, failures. */
class PolyhedralSqpTest {
    private static final int N = 10;
    private static final int P = 3;
    private static final int M = 8;
    private static final int B = 16;
    private static final double TOL = 1e-10;

    private static final Polyhedron SET = PolyhedralProblems.randomPolyhedron(N, P, M, 1);
    private static final double[] Q = PolyhedralProblems.diagonal(N, 2);

    /** @return sine weights {@code c = 2 N(0, 1)}: the objective is strongly nonconvex */
    private static Tensor weights(long seed) {
        return randn(seed, B, N).map(v -> 2 * v);
    }

    @Test
    void nonconvexInstancesEndAtLocalMinimaWithTinyKktResiduals() {
        PolyhedralSqp explicit = new PolyhedralSqp(PolyhedralProblems.sineCallbacks(Q), SET, null,
                new InteriorPointQpSolver());
        PolyhedralSqp autodiff = new PolyhedralSqp(PolyhedralProblems.sineObjective(Q), SET);
        Tensor c = weights(3);
        PolyhedralSqp.Objective f = PolyhedralProblems.sineCallbacks(Q);
        SplittableRandom rng = new SplittableRandom(4);
        ProjectedGradient.Projection proj = SET.projection(QpOptions.defaults());
        int indefinite = 0;
        int polished = 0;
        for (int k = 0; k < B; k++) {
            double[][] ck = {c.row(k)};
            PolyhedralSqp.Result res = explicit.solve(k, ck, TOL, 200);
            assertKkt(k, res, ck);
            for (double l : res.lambda()) {
                assertTrue(l >= -TOL, "instance " + k + ": negative multiplier " + l);
            }
            PolyhedralSqp.Result viaAutodiff = autodiff.solve(k, ck, TOL, 200);
            assertTrue(relErr(Tensor.wrap(viaAutodiff.x(), N), Tensor.wrap(res.x(), N)) < 1e-8,
                    "instance " + k + ": autodiff Hessian path ends elsewhere");
            polished += res.polished() ? 1 : 0;
            double[] hess = new double[N * N];
            f.hessian(res.x(), ck, hess);
            for (int i = 0; i < N; i++) {
                indefinite += hess[i * N + i] < 0 ? 1 : 0;
            }
            // A local minimum: no feasible point nearby (projections of random perturbations) is better.
            double fStar = f.value(res.x(), ck);
            for (int t = 0; t < 20; t++) {
                double[] y = res.x().clone();
                for (int j = 0; j < N; j++) {
                    y[j] += 1e-3 * (2 * rng.nextDouble() - 1);
                }
                double[] near = GradMode.noGrad(() -> proj.project(Var.constant(Tensor.of(y, 1, N)))).value().data();
                assertTrue(f.value(near, ck) >= fStar - 1e-12, "instance " + k + ": a nearby feasible point is better");
            }
        }
        assertTrue(indefinite > 0, "the test instances should have indefinite Hessians at the solution");
        System.out.printf("polyhedral SQP: %d of %d instances finished by the active-set polish, %d negative "
                + "curvatures%n", polished, B, indefinite);
    }

    /** Asserts the documented stopping rule: KKT residual at most {@code TOL max(1, ||grad f||_inf)}. */
    private static void assertKkt(int k, PolyhedralSqp.Result res, double[][] c) {
        double[] grad = new double[N];
        PolyhedralProblems.sineCallbacks(Q).gradient(res.x(), c, grad);
        double scale = 1;
        for (double v : grad) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(res.kktResidual() <= TOL * scale, "instance " + k + ": KKT residual " + res.kktResidual()
                + ", gradient scale " + scale);
    }

    @Test
    void convexQuadraticsMatchTheGlobalQpSolution() {
        Tensor pm = spd(N, 0.2, 5);
        PolyhedralSqp sqp = new PolyhedralSqp(PolyhedralProblems.quadratic(pm), SET);
        Tensor c = randn(6, B, N).map(v -> 3 * v);
        Tensor local = sqp.solver(TOL, 100).solve(new Tensor[] {c});
        Tensor global = GradMode.noGrad(() -> DifferentiableQp.solve(Var.constant(pm), Var.constant(c),
                Var.constant(SET.a()), Var.constant(SET.b()), Var.constant(SET.g()), Var.constant(SET.h()),
                QpOptions.defaults())).value();
        assertTrue(relErr(local, global) < 1e-9, "SQP vs global QP solution: " + relErr(local, global));
    }

    @Test
    void convexNonquadraticObjectiveMatchesProjectedGradient() {
        // f(x, c) = sum softplus(x) + 0.1 ||x||^2 + c^T x: convex, so the KKT point is the global minimum,
        // which plain projected gradient (FISTA, a QP projection per step) also finds.
        SmoothObjective f = (x, c) -> x.softplus().add(x.mul(x).mul(0.1)).add(x.mul(c[0])).sum(-1);
        Tensor c = randn(7, 4, N);
        Tensor local = new PolyhedralSqp(f, SET).solver(TOL, 100).solve(new Tensor[] {c});
        Tensor pgd = new ProjectedGradient(N, f, SET.projection(QpOptions.defaults()), 1.0).solver(1e-11, 100_000)
                .solve(new Tensor[] {c});
        assertTrue(relErr(local, pgd) < 1e-8, "SQP vs projected gradient: " + relErr(local, pgd));
    }

    @Test
    void theSolutionIsAFixedPointOfTheProjectedGradientMap() {
        SmoothObjective f = PolyhedralProblems.sineObjective(Q);
        Tensor c = weights(8);
        Tensor x = new PolyhedralSqp(f, SET).solver(TOL, 200).solve(new Tensor[] {c});
        for (double alpha : new double[] {0.1, 1.0}) {
            ProjectedGradient pgd = new ProjectedGradient(N, f, SET.projection(QpOptions.defaults()), alpha);
            Tensor step = GradMode.withGrad(() -> pgd.updateMap().apply(Var.param(x), new Var[] {Var.constant(c)}))
                    .value();
            assertTrue(relErr(step, x) < 1e-9, "alpha " + alpha + ": ||U(x*) - x*|| / ||x*|| = " + relErr(step, x));
        }
    }

    @Test
    void inequalitiesAlone() {
        Polyhedron noEqualities = new Polyhedron(null, null, SET.g(), SET.h());
        PolyhedralSqp sqp = new PolyhedralSqp(PolyhedralProblems.sineCallbacks(Q), noEqualities, null,
                new InteriorPointQpSolver());
        Tensor c = weights(12);
        for (int k = 0; k < B; k++) {
            double[][] ck = {c.row(k)};
            PolyhedralSqp.Result res = sqp.solve(k, ck, TOL, 200);
            assertKkt(k, res, ck);
            assertEquals(0, res.nu().length);
        }
    }

    @Test
    void startOutsideThePolyhedronIsProjected() {
        Tensor far = Tensor.full(50.0, N);
        PolyhedralSqp sqp = new PolyhedralSqp(PolyhedralProblems.sineCallbacks(Q), SET, far,
                new InteriorPointQpSolver());
        double[] x0 = sqp.start();
        double[] ax = new double[P];
        for (int i = 0; i < P; i++) {
            for (int j = 0; j < N; j++) {
                ax[i] += SET.a().get(i, j) * x0[j];
            }
            assertEquals(SET.b().get(i), ax[i], 1e-10);
        }
        for (int i = 0; i < M; i++) {
            double gx = 0;
            for (int j = 0; j < N; j++) {
                gx += SET.g().get(i, j) * x0[j];
            }
            assertTrue(gx <= SET.h().get(i) + 1e-9, "start violates inequality " + i);
        }
        double[][] c = {weights(9).row(0)};
        assertKkt(0, sqp.solve(0, c, TOL, 200), c);
    }

    @Test
    void failuresNameTheInstance() {
        PolyhedralSqp.Objective sine = PolyhedralProblems.sineCallbacks(Q);
        // Instance 2 has a non-finite gradient.
        PolyhedralSqp.Objective broken = new PolyhedralSqp.Objective() {
            @Override
            public double value(double[] x, double[][] c) {
                return sine.value(x, c);
            }

            @Override
            public void gradient(double[] x, double[][] c, double[] out) {
                sine.gradient(x, c, out);
                out[0] = c[0][0] > 100 ? Double.NaN : out[0];
            }

            @Override
            public void hessian(double[] x, double[][] c, double[] out) {
                sine.hessian(x, c, out);
            }
        };
        double[] c = weights(10).toArray();
        c[2 * N] = 1000;
        Tensor params = Tensor.wrap(c, B, N);
        PolyhedralSqp sqp = new PolyhedralSqp(broken, SET, null, new InteriorPointQpSolver());
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> sqp.solver(TOL, 200).solve(new Tensor[] {params}));
        assertTrue(e.getMessage().contains("instance 2"), e.getMessage());
        PolyhedralSqp ok = new PolyhedralSqp(sine, SET, null, new InteriorPointQpSolver());
        e = assertThrows(ArithmeticException.class, () -> ok.solver(TOL, 1).solve(new Tensor[] {weights(11)}));
        assertTrue(e.getMessage().contains("did not converge on instance 0"), e.getMessage());
        c[2 * N] = Double.NaN;
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ok.solver(TOL, 200).solve(new Tensor[] {Tensor.wrap(c, B, N)}));
        assertTrue(bad.getMessage().contains("instance 2"), bad.getMessage());
    }

    @Test
    void badPolyhedraAreRejected() {
        PolyhedralSqp.Objective sine = PolyhedralProblems.sineCallbacks(Q);
        // x_0 <= -1 and -x_0 <= -1: empty.
        double[] g = new double[2 * N];
        g[0] = 1;
        g[N] = -1;
        Polyhedron empty = new Polyhedron(null, null, Tensor.wrap(g, 2, N), Tensor.vector(-1, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PolyhedralSqp(sine, empty, null, new InteriorPointQpSolver()));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        double[] a = new double[2 * N];
        a[0] = 1;
        a[N] = 2;
        Polyhedron dependent = new Polyhedron(Tensor.wrap(a, 2, N), Tensor.vector(1, 2), null, null);
        e = assertThrows(IllegalArgumentException.class,
                () -> new PolyhedralSqp(sine, dependent, null, new InteriorPointQpSolver()));
        assertTrue(e.getMessage().contains("full row rank"), e.getMessage());
    }
}
