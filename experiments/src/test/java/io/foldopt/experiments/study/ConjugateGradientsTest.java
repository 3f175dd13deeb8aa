package io.foldopt.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.check.RandomMatrices;
import io.foldopt.linalg.BatchSolution;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.DenseBatchedOperator;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConjugateGradientsTest {
    @Test
    void solvesSymmetricPositiveDefiniteSystemsLikeTheDirectSolver() {
        int n = 12;
        int batch = 3;
        Tensor a = RandomMatrices.spd(n, 0.5, 7);
        DenseBatchedOperator op = DenseBatchedOperator.shared(a.data(), n, batch);
        double[] g = Tensor.randn(new SplittableRandom(3), batch, n).data();
        SolverOptions options = new SolverOptions(1e-12, 200);
        BatchSolution cg = new ConjugateGradients().solve(op, g, null, options);
        BatchSolution direct = BatchedLinearSolver.DIRECT.solve(op, g, null, options);
        assertTrue(cg.allOk());
        for (int i = 0; i < g.length; i++) {
            assertEquals(direct.solution()[i], cg.solution()[i], 1e-9 * (1 + Math.abs(direct.solution()[i])));
        }
        for (var s : cg.stats()) {
            assertTrue(s.iterations() <= n + 5 && s.relativeResidual() <= 1e-12, s.toString());
        }
    }

    @Test
    void reportsAnIndefiniteSystemInsteadOfReturningAWrongSolution() {
        int n = 4;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = i % 2 == 0 ? 1.0 : -1.0;
        }
        double[] g = {1, 1, 1, 1};
        BatchSolution s = new ConjugateGradients().solve(DenseBatchedOperator.shared(a, n, 1), g, null,
                new SolverOptions(1e-10, 100));
        assertEquals(Status.NUMERICAL_FAILURE, s.stats()[0].status());
        assertTrue(s.stats()[0].detail().contains("not positive definite"));
    }
}
