package io.foldopt.cli.train;

import io.foldopt.algorithms.Polyhedron;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.OracleException;
import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.QpProblem;
import io.foldopt.qp.QpSolution;
import io.foldopt.tensor.Tensor;

/**
 * The decision {@code w*(c) = argmin c' w + 1/2 w' Q w} over a {@link DecisionProblem} with a quadratic term (and no
 * integer variables) and its {@link DecisionProblem#relaxation() constraints}, solved by foldopt's interior-point QP
 * solver.
 */
final class QpDecisionOracle implements Oracle {
    private final int n;
    private final Tensor q;
    private final Polyhedron constraints;
    private final InteriorPointQpSolver solver = new InteriorPointQpSolver();

    /** @param problem a problem with a quadratic term */
    QpDecisionOracle(DecisionProblem problem) {
        n = problem.variableCount();
        q = Tensor.wrap(problem.quadratic(), n, n);
        constraints = problem.relaxation();
    }

    @Override
    public int dimension() {
        return n;
    }

    @Override
    public long workPerSolve() {
        return 20L * n * n * n;
    }

    @Override
    public double[] solve(double[] cost) {
        Oracle.checkCost(cost, n);
        Polyhedron c = constraints;
        QpSolution s = solver.solve(QpProblem.of(q, Tensor.wrap(cost.clone(), n), c == null ? null : c.a(),
                c == null ? null : c.b(), c == null ? null : c.g(), c == null ? null : c.h()));
        if (!s.status().ok()) {
            throw new OracleException("the QP solver ended " + s.status().label(), s.status(), -1);
        }
        return s.z().clone();
    }
}
