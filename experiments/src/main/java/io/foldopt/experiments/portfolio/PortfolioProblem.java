package io.foldopt.experiments.portfolio;

import io.foldopt.algorithms.Sqp;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.WarmStartQpSolver;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The risk-constrained portfolio problem of the paper, for predicted returns {@code c}:
 *
 * <pre>
 *   max_x  c^T x - 0.1 ||x||^2   s.t.   x^T Sigma x &lt;= gamma,   1^T x &lt;= 1,   x >= 0
 * </pre>
 *
 * written for {@link Sqp} as {@code min f(x, c) = -c^T x + 0.1 ||x||^2} subject to {@code m = n + 2}
 * inequalities {@code g(x) = (x^T S x - 1, 1^T x - 1, -x) <= 0} with {@code S = Sigma / gamma}. Dividing the
 * risk constraint by {@code gamma} changes neither the feasible set nor the solution, only the scale of its
 * multiplier; it keeps the problem's data of order one ({@code Sigma} is of order {@code 1e-6}). The objective
 * is strongly concave, so {@code x*(c)} is unique.
 */
public final class PortfolioProblem {
    /** The weight of the ridge term {@code 0.1 ||x||^2}. */
    public static final double RIDGE = 0.1;
    /** The forward solver's tolerance on the SQP step (relative). */
    private static final double SOLVE_TOL = 1e-10;
    /** The forward solver's iteration limit (full Newton steps converge in a handful). */
    private static final int SOLVE_ITERATIONS = 200;

    private final int n;
    private final Var scaledCovariance;
    /** {@code 2 S}, the gradient of the risk constraint is {@code 2 S x}. */
    private final Var riskGradient;
    /** The flattened Hessians {@code (2 S; 0.2 I) (2, n^2)} of the risk constraint and the objective. */
    private final Var hessians;
    /** The rows {@code (1^T; -I)} of the constraint Jacobian, flattened {@code (1, (n + 1) n)}. */
    private final Tensor linearRows;
    private final Sqp sqp;

    /**
     * @param covariance {@code Sigma (n, n)}, symmetric positive definite (its symmetric part is used)
     * @param gamma the risk budget {@code gamma > 0}
     */
    public PortfolioProblem(Tensor covariance, double gamma) {
        if (covariance.rank() != 2 || covariance.dim(0) != covariance.dim(1) || !(gamma > 0)) {
            throw new IllegalArgumentException("portfolio problem needs a square covariance and gamma > 0");
        }
        this.n = covariance.dim(0);
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = (covariance.get(i, j) + covariance.get(j, i)) / (2 * gamma);
            }
        }
        Tensor scaled = Tensor.wrap(s, n, n);
        this.scaledCovariance = Var.constant(scaled);
        this.riskGradient = Var.constant(scaled.map(v -> 2 * v));
        double[] h = new double[2 * n * n];
        for (int i = 0; i < n * n; i++) {
            h[i] = 2 * s[i];
        }
        for (int i = 0; i < n; i++) {
            h[n * n + i * n + i] = 2 * RIDGE;
        }
        this.hessians = Var.constant(Tensor.wrap(h, 2, n * n));
        double[] rows = new double[(n + 1) * n];
        Arrays.fill(rows, 0, n, 1.0);
        for (int i = 0; i < n; i++) {
            rows[n + i * n + i] = -1.0;
        }
        this.linearRows = Tensor.wrap(rows, 1, (n + 1) * n);
        Sqp.Problem problem = new Sqp.Problem() {
            @Override
            public Var objective(Var x, Var[] c) {
                return x.mul(x).sum(-1).mul(RIDGE).sub(x.mul(c[0]).sum(-1));
            }

            @Override
            public Var inequalities(Var x, Var[] c) {
                return PortfolioProblem.this.inequalities(x);
            }

            @Override
            public Var objectiveGradient(Var x, Var[] c) {
                return x.mul(2 * RIDGE).sub(c[0]);
            }

            @Override
            public Var inequalityJacobian(Var x, Var[] c, Var g) {
                return PortfolioProblem.this.jacobian(x);
            }

            @Override
            public Var hessian(Var x, Var[] c, Var lambda, Var nu, Supplier<Var> gradLagrangian) {
                return PortfolioProblem.this.hessian(lambda);
            }
        };
        // Each SQP step's QP starts from the active set of the instance's previous step.
        this.sqp = Sqp.builder(n, problem).inequalities(n + 2)
                .qp(QpOptions.defaults().withSolver(new WarmStartQpSolver())).build();
    }

    /**
     * @return the SQP on the state {@code (x, lambda) (B, 2n + 2)}, full steps, from {@code x = 0}, with the
     *     derivatives in closed form ({@link #jacobian}, {@link #hessian}, {@code grad f = 0.2 x - c})
     */
    public Sqp sqp() {
        return sqp;
    }

    /** @return the SQP forward solver: from the returns {@code c (B, n)} to the state {@code (x*, lambda*)} */
    public ForwardSolver solver() {
        return sqp.solver(SOLVE_TOL, SOLVE_ITERATIONS);
    }

    /** @return {@code x*(c) (B, n)}, solved without recording */
    public Tensor solve(Tensor returns) {
        return Var.constant(solver().solve(new Tensor[] {returns})).slice(0, n).value();
    }

    /**
     * @param lambda the multipliers {@code (B, n + 2)}, the risk constraint's first
     * @return the Hessian of the Lagrangian {@code H = 0.2 I + 2 lambda_risk S (B, n, n)} (the objective and the
     *     risk constraint are quadratic, the other constraints linear), recorded in {@code lambda}
     */
    public Var hessian(Var lambda) {
        int batch = lambda.dim(0);
        double[] ones = new double[batch];
        Arrays.fill(ones, 1.0);
        // (lambda_risk, 1) (2 S; 0.2 I), one product for the batch
        return Structure.concat(lambda.slice(0, 1), Var.constant(Tensor.wrap(ones, batch, 1))).matmul(hessians)
                .reshape(batch, n, n);
    }

    /**
     * @return the Jacobian of {@link #inequalities}, {@code J_g = (2 (S x)^T; 1^T; -I) (B, n + 2, n)}, recorded in
     *     {@code x}
     */
    public Var jacobian(Var x) {
        int batch = x.dim(0);
        double[] rows = new double[batch * linearRows.size()];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(linearRows.data(), 0, rows, b * linearRows.size(), linearRows.size());
        }
        return Structure.concat(x.matmul(riskGradient), Var.constant(Tensor.wrap(rows, batch, linearRows.size())))
                .reshape(batch, n + 2, n);
    }

    /** @return {@code g(x) = (x^T S x - 1, 1^T x - 1, -x) (B, n + 2)} */
    public Var inequalities(Var x) {
        int batch = x.dim(0);
        Var risk = x.matmul(scaledCovariance).mul(x).sum(-1).reshape(batch, 1).add(-1.0);
        Var budget = x.sum(-1).reshape(batch, 1).add(-1.0);
        return Structure.concat(risk, budget, x.neg());
    }

    /**
     * The map {@code U(z, c) = z - F(z, c)} on {@code z = (x, lambda) (B, 2n + 2)}, with {@code F} the KKT
     * residual: stationarity {@code grad_x L = -c + 0.2 x + 2 lambda_risk S x + lambda_budget 1 - lambda_x}
     * ({@code n} rows) and complementarity {@code lambda_i g_i(x)} ({@code n + 2} rows). Primal and dual
     * feasibility ({@code g <= 0}, {@code lambda >= 0}) are inequalities that hold at the solution and are not
     * part of this square system (the problem has no equalities). Its fixed points are the points where
     * {@code F = 0}, and {@code I - dU/dz = dF/dz} is the KKT Jacobian that a convex-layer library
     * differentiates.
     */
    public UpdateMap kktResidualStep() {
        return (z, params) -> {
            Var x = z.slice(0, n);
            Var lambda = z.slice(n, 2 * n + 2);
            Var riskMultiplier = z.slice(n, n + 1);
            Var budgetMultiplier = z.slice(n + 1, n + 2);
            Var stationarity = x.mul(2 * RIDGE).sub(params[0])
                    .add(x.matmul(scaledCovariance).mul(riskMultiplier).mul(2.0))
                    .add(budgetMultiplier)
                    .sub(z.slice(n + 2, 2 * n + 2));
            Var complementarity = lambda.mul(inequalities(x));
            return z.sub(Structure.concat(stationarity, complementarity));
        };
    }

    /** @return the true objective {@code c^T x - 0.1 ||x||^2} per instance {@code (B)} (to be maximized) */
    public static Var value(Var x, Var returns) {
        return x.mul(returns).sum(-1).sub(x.mul(x).sum(-1).mul(RIDGE));
    }
}
