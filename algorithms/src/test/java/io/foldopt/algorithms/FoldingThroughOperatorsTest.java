package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.assertMethodsAgree;
import static io.foldopt.algorithms.FoldingAssertions.randn;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.operator.Convolution2d;
import io.foldopt.operator.FiniteDifference2d;
import io.foldopt.operator.LinearOperator;
import io.foldopt.operator.Operators;
import io.foldopt.sparse.CsrMatrix;
import io.foldopt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Folded PDHG on {@code min 1/2 ||x - d||^2 + sum_k lambda_k ||K_k x||_1} with the sparse and structured operators:
 * the gradients to the data, the nonzero values of a learned sparse {@code K} and the learned filters of an analysis
 * operator {@code [D; conv]} against DIRECT and finite differences.
 */
class FoldingThroughOperatorsTest {
    private static final Tensor DATA = randn(41, 3, 10).map(v -> 2 * v);

    @Test
    void learnedSparseValuesAgreeWithDirect() {
        double[] dense = randn(42, 6, 10).data();
        for (int i = 0; i < dense.length; i++) {
            dense[i] = i % 3 == 1 ? 0 : dense[i];
        }
        CsrMatrix k = CsrMatrix.fromDense(Tensor.wrap(dense, 6, 10));
        Var values = Var.param(k.values().value());
        Var lambda = Var.param(Tensor.vector(0.4, 0.7));
        PrimalDualHybridGradient alg = new PrimalDualHybridGradient(k.withValues(values), PrimalTerm.squaredDistance(),
                PrimalDualHybridGradient.weightedL1Conjugate(lambda, 4, 2));
        assertMethodsAgree("PDHG, sparse K", alg, new Var[] {Var.param(DATA)}, new Var[] {values, lambda},
                randn(43, 3, 10), 1e-8);
    }

    @Test
    void learnedFiltersOfAnImageAnalysisOperatorMatchFiniteDifferences() {
        int h = 3;
        int w = 4;
        FiniteDifference2d d = new FiniteDifference2d(h, w);
        Tensor images = randn(44, 2, h * w);
        assertFiniteDifferences(p -> {
            LinearOperator k = Operators.stack(d, new Convolution2d(h, w, p[1], Convolution2d.Padding.VALID));
            PrimalDualHybridGradient alg = new PrimalDualHybridGradient(k, PrimalTerm.squaredDistance(),
                    PrimalDualHybridGradient.weightedL1Conjugate(p[2], d.rows(), k.rows() - d.rows()));
            FoldedLayer layer = new FoldedLayer(alg.solver(1e-14, 1_000_000), alg.updateMap(),
                    FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.GMRES));
            return alg.output(layer.apply(p[0]));
        }, new Tensor[] {images, randn(45, 2, 2, 2), Tensor.vector(0.1, 0.05)}, 1e-6, 1e-6);
    }
}
