package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.OPTIONS;
import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.gradients;
import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static io.foldopt.algorithms.FoldingAssertions.spd;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.PolyhedralSqp;
import io.foldopt.qp.QpOptions;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Projected gradient of variant (b), {@code U(x, c) = Proj_C(x - alpha grad f(x, c))} with the projection onto
 * the polyhedron {@code C = {A x = b, G x <= h}} computed by the differentiable QP, folded over the local
 * {@link PolyhedralSqp} as forward solver.
 */
class ProjectedGradientPolyhedronTest {
    private static final int N = 8;
    private static final int P = 2;
    private static final int M = 6;
    private static final int B = 3;
    private static final double ALPHA = 0.3;

    private static final Polyhedron SET = PolyhedralProblems.randomPolyhedron(N, P, M, 21);

    /** @return a folded PGD-b layer over the SQP forward solver, with the given projection */
    private static FoldedLayer layer(SmoothObjective f, ProjectedGradient.Projection projection,
            BatchedLinearSolver m) {
        return new FoldedLayer(new PolyhedralSqp(f, SET).solver(1e-12, 500),
                new ProjectedGradient(N, f, projection, ALPHA).updateMap(), OPTIONS.withSolver(m));
    }

    @Test
    void nonconvexInstanceFoldsLikeDirectAndFiniteDifferences() {
        SmoothObjective f = PolyhedralProblems.sineObjective(PolyhedralProblems.diagonal(N, 22));
        ProjectedGradient.Projection projection = SET.projection(QpOptions.defaults());
        Var c = Var.param(randn(23, B, N).map(v -> 2 * v));
        Tensor g = randn(24, B, N);
        FoldedLayer direct = layer(f, projection, BatchedLinearSolver.DIRECT);
        Tensor reference = gradients(direct.apply(c), new Var[] {c}, g)[0];
        assertTrue(direct.lastReport().allOk(), Arrays.toString(direct.lastReport().instances()));
        assertTrue(reference.norm() > 0);
        for (BatchedLinearSolver m : List.of(BatchedLinearSolver.GMRES,
                BatchedLinearSolver.BICGSTAB, BatchedLinearSolver.LFPI)) {
            FoldedLayer layer = layer(f, projection, m);
            Tensor grad = gradients(layer.apply(c), new Var[] {c}, g)[0];
            assertTrue(layer.lastReport().allOk(), m + ": " + Arrays.toString(layer.lastReport().instances()));
            assertTrue(relErr(grad, reference) < 1e-8, m + " vs DIRECT: " + relErr(grad, reference));
        }
        assertFiniteDifferences(p -> direct.apply(p[0]), new Tensor[] {c.value()}, 1e-6, 1e-6);
    }

    @Test
    void convexInstanceMatchesTheQpLayerForCostAndConstraintData() {
        // min 1/2 x^T P x + c^T x over {A x = b, G x <= h}: the folded PGD-b gradients with respect to c and to the
        // right-hand sides b and h (captured by the projection) equal those of the QP layer itself.
        Tensor pm = spd(N, 0.3, 25);
        SmoothObjective f = PolyhedralProblems.quadratic(pm);
        Var b = Var.param(SET.b());
        Var h = Var.param(SET.h());
        ProjectedGradient.Projection projection = Polyhedron.projection(Var.constant(SET.a()), b,
                Var.constant(SET.g()), h, QpOptions.defaults());
        Tensor cValue = randn(26, B, N).map(v -> 3 * v);
        Tensor g = randn(27, B, N);
        Var c = Var.param(cValue);
        FoldedLayer folded = layer(f, projection, BatchedLinearSolver.AUTO);
        Tensor[] fold = gradients(folded.apply(c), new Var[] {c, b, h}, g);
        assertTrue(folded.lastReport().allOk(), Arrays.toString(folded.lastReport().instances()));

        Var c2 = Var.param(cValue);
        Var b2 = Var.param(SET.b());
        Var h2 = Var.param(SET.h());
        Var x = DifferentiableQp.solve(Var.constant(pm), c2, Var.constant(SET.a()), b2, Var.constant(SET.g()), h2,
                QpOptions.defaults());
        Tensor[] qp = gradients(x, new Var[] {c2, b2, h2}, g);
        String[] names = {"c", "b", "h"};
        for (int i = 0; i < 3; i++) {
            double err = relErr(fold[i], qp[i]);
            assertTrue(err < 1e-7, names[i] + ": folded PGD-b vs QP layer " + err);
        }
        assertTrue(qp[2].norm() > 0, "some inequality is active");
    }
}
