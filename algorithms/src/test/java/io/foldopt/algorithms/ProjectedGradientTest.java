package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.assertFixedPoint;
import static io.foldopt.algorithms.FoldingAssertions.assertMethodsAgree;
import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static io.foldopt.algorithms.FoldingAssertions.spd;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.projection.Projections;
import io.foldopt.tensor.Tensor;
import io.foldopt.topk.TopK;
import org.junit.jupiter.api.Test;

/** Projected gradient with closed-form projections (variant a), folded. */
class ProjectedGradientTest {
    private static final int B = 3;
    private static final int N = 10;

    /** {@code f(x, c) = 1/2 x^T Q x + c^T x}. */
    private static SmoothObjective quadratic(Tensor q) {
        Var qv = Var.constant(q);
        return (x, p) -> x.matmul(qv).mul(x).sum(-1).mul(0.5).add(x.mul(p[0]).sum(-1));
    }

    @Test
    void simplexQuadraticFoldsLikeDirectAndFiniteDifferences() {
        Tensor q = spd(N, 0.5, 1);
        ProjectedGradient pgd = new ProjectedGradient(N, quadratic(q), Projections::simplex, 0.2);
        Var c = Var.param(randn(2, B, N).map(v -> 0.5 * v));
        assertFixedPoint(pgd, new Tensor[] {c.value()}, 1e-12);
        assertMethodsAgree("pgd simplex", pgd, new Var[] {c}, new Var[0], randn(3, B, N), 1e-8);
        FoldedLayer layer = pgd.layer(FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.GMRES));
        assertFiniteDifferences(p -> layer.apply(p[0]), new Tensor[] {c.value()}, 1e-6, 1e-6);
    }

    @Test
    void foldedPgdOnTheBinaryEntropyProblemMatchesLml() {
        // max c^T x + eps H_b(x) over {0 <= x <= 1, 1^T x = k}, i.e. min -c^T x + eps sum x log x + (1-x) log(1-x);
        // the forward solver is LML's closed form, the folded step is PGD with the capped-simplex projection.
        int k = 3;
        double eps = 0.5;
        SmoothObjective f = (x, p) -> x.mul(p[0]).neg().add(x.mul(x.log()).add(x.neg().add(1.0)
                .mul(x.neg().add(1.0).log())).mul(eps)).sum(-1);
        ProjectedGradient pgd = new ProjectedGradient(N, f, x -> Projections.cappedSimplex(x, 1.0, k), 0.05);
        Tensor scores = randn(4, B, N);
        Tensor g = randn(5, B, N);
        Var c = Var.param(scores);
        FoldedLayer layer = new FoldedLayer(p -> TopK.binaryEntropy(Var.constant(p[0]), k, eps).value(),
                pgd.updateMap(), FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES).withTolerance(1e-12));
        Tensor folded = Autodiff.vjp(new Var[] {layer.apply(c)}, new Var[] {c}, new Tensor[] {g})[0];
        Var c2 = Var.param(scores);
        Tensor lml = Autodiff.vjp(new Var[] {TopK.binaryEntropy(c2, k, eps)}, new Var[] {c2}, new Tensor[] {g})[0];
        assertTrue(relErr(folded, lml) < 1e-7, "folded PGD vs LML: " + relErr(folded, lml));
        assertTrue(layer.lastReport().allOk());
    }

    @Test
    void badSettingsAreRejected() {
        Tensor q = spd(N, 0.5, 6);
        assertThrows(IllegalArgumentException.class, () -> new ProjectedGradient(0, quadratic(q), x -> x, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new ProjectedGradient(N, quadratic(q), x -> x, -1));
        ProjectedGradient pgd = new ProjectedGradient(N, quadratic(q), Projections::simplex, 0.1);
        double[] bad = randn(7, B, N).toArray();
        bad[N + 2] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pgd.solver(1e-10, 100).solve(new Tensor[] {Tensor.wrap(bad, B, N)}));
        assertTrue(e.getMessage().contains("instance 1"), e.getMessage());
    }
}
