package io.foldopt.algorithms;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.QpOutput;
import io.foldopt.tensor.Tensor;

/**
 * Sequential quadratic programming for {@code min f(x, c) s.t. g(x, c) <= 0 (m), h(x, c) = 0 (p)}, a
 * {@link FoldableAlgorithm} on the state {@code s = (x, lambda, nu)} of size {@code n + m + p}.
 *
 * <p>One step {@code U(s, c)} solves the QP model at {@code x}
 * <pre>
 *   min_d 1/2 d^T H d + grad f^T d   s.t.   g + J_g d &lt;= 0,   h + J_h d = 0
 * </pre>
 * with {@code H} the Hessian of the Lagrangian {@code f + lambda^T g + nu^T h} (from autodiff, or given
 * by the {@link Problem}) and QP multipliers {@code (lambda_QP, nu_QP)}, then sets
 * {@code x <- x + alpha d}, {@code lambda <- lambda + alpha (lambda_QP - lambda)}, {@code nu <- nu_QP}.
 * Its fixed points are the KKT points. The QP is the differentiable {@link DifferentiableQp}, so folding
 * differentiates through it (and through the second derivatives in {@code H}); with {@code alpha = 1}
 * the step is Newton's and {@code Phi ~ 0} at a KKT point with strict complementarity, so LFPI converges
 * in one or two iterations. {@code H} must be positive semidefinite on the QP's feasible directions for
 * the QP to be convex (true for convex problems).
 *
 * <p>Forward solver: the same step, batched, from {@code (x_0, 0, 0)} until the state moves less than
 * {@code tol * max(1, ||s||)} in every instance; it returns the state with its multipliers.
 */
public final class Sqp implements FoldableAlgorithm {
    private static final String NAME = "SQP";

    /** The problem: objective and constraints written with foldopt operations, batched over rows. */
    public interface Problem {
        /** @return {@code f(x, c)}, per instance {@code (B)} (or any tensor whose sum is their sum) */
        Var objective(Var x, Var[] params);

        /** @return {@code g(x, c) (B, m)}; only called when {@code m > 0} */
        default Var inequalities(Var x, Var[] params) {
            throw new UnsupportedOperationException("the problem has no inequality constraints");
        }

        /** @return {@code h(x, c) (B, p)}; only called when {@code p > 0} */
        default Var equalities(Var x, Var[] params) {
            throw new UnsupportedOperationException("the problem has no equality constraints");
        }

        /**
         * @param gradLagrangian {@code grad_x L (B, n)}, recorded as a function of {@code x}
         * @return the Hessian of the Lagrangian {@code (B, n, n)}; by default one recorded VJP per row
         */
        default Var hessian(Var x, Var[] params, Var gradLagrangian) {
            return jacobian(gradLagrangian, x);
        }
    }

    private final int n;
    private final int m;
    private final int p;
    private final Problem problem;
    private final double alpha;
    private final Tensor start;
    private final QpOptions qp;

    /**
     * @param n the dimension of {@code x}
     * @param m the number of inequalities {@code g(x) <= 0}
     * @param p the number of equalities {@code h(x) = 0}
     * @param problem the functions
     * @param alpha the step, in {@code (0, 1]}
     * @param start the forward solver's initial {@code x_0 (n)}
     * @param qp the QP subproblem's solver settings
     */
    public Sqp(int n, int m, int p, Problem problem, double alpha, Tensor start, QpOptions qp) {
        if (n < 1 || m < 0 || p < 0) {
            throw new IllegalArgumentException(NAME + ": need n >= 1, m >= 0, p >= 0, got " + n + ", " + m + ", " + p);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException(NAME + ": step alpha must be in (0, 1], got " + alpha);
        }
        if (start.size() != n || !start.isFinite()) {
            throw new IllegalArgumentException(NAME + ": start must be a finite vector of size " + n);
        }
        this.n = n;
        this.m = m;
        this.p = p;
        this.problem = problem;
        this.alpha = alpha;
        this.start = start;
        this.qp = qp;
    }

    /** @return {@code J (B, k, n)} with rows {@code J[b, i, :] = grad_x y[b, i]}, recorded (differentiable) */
    public static Var jacobian(Var y, Var x) {
        int batch = y.dim(0);
        int k = y.dim(1);
        Var[] rows = new Var[k];
        for (int i = 0; i < k; i++) {
            rows[i] = Autodiff.gradGraph(y.slice(i, i + 1).sum(), x);
        }
        return Structure.concat(rows).reshape(batch, k, x.dim(1));
    }

    @Override
    public UpdateMap updateMap() {
        return (s, params) -> GradMode.withGrad(() -> step(s.requiresGrad() ? s : Var.param(s.value()), params, alpha));
    }

    private Var step(Var s, Var[] params, double a) {
        Var x = s.slice(0, n);
        Var gradF = Autodiff.gradGraph(problem.objective(x, params).sum(), x);
        Var gradL = gradF;
        Var jg = null;
        Var g = null;
        Var jh = null;
        Var h = null;
        Var lambda = null;
        if (m > 0) {
            lambda = s.slice(n, n + m);
            g = problem.inequalities(x, params);
            jg = jacobian(g, x);
            gradL = gradL.add(LinearAlgebra.matvec(jg.transpose(), lambda));
        }
        if (p > 0) {
            Var nu = s.slice(n + m, n + m + p);
            h = problem.equalities(x, params);
            jh = jacobian(h, x);
            gradL = gradL.add(LinearAlgebra.matvec(jh.transpose(), nu));
        }
        Var hess = problem.hessian(x, params, gradL);
        QpOutput out = DifferentiableQp.solveWithMultipliers(hess, gradF, jh, h == null ? null : h.neg(), jg,
                g == null ? null : g.neg(), qp);
        Var xNext = x.add(out.z().mul(a));
        Var[] parts = new Var[1 + (m > 0 ? 1 : 0) + (p > 0 ? 1 : 0)];
        int k = 0;
        parts[k++] = xNext;
        if (m > 0) {
            parts[k++] = lambda.add(out.lambda().sub(lambda).mul(a));
        }
        if (p > 0) {
            parts[k] = out.nu();
        }
        return parts.length == 1 ? xNext : Structure.concat(parts);
    }

    /** @return {@code x}, the first {@code n} entries of the state */
    @Override
    public Var output(Var state) {
        return state.slice(0, n);
    }

    /**
     * @return the step of {@link #updateMap()}, batched, from {@code (x_0, 0, 0)} until every instance's
     *     state moves less than {@code tol * max(1, ||s||)}
     * @throws ArithmeticException naming an instance that has not converged in {@code maxIterations}
     *     steps, or whose iterate is not finite
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        return params -> {
            int batch = FixedPointIteration.checkParams(NAME, params);
            Var[] c = new Var[params.length];
            for (int i = 0; i < params.length; i++) {
                c[i] = Var.constant(params[i]);
            }
            int d = n + m + p;
            double[] s0 = new double[batch * d];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(start.data(), 0, s0, b * d, n);
            }
            Tensor s = Tensor.wrap(s0, batch, d);
            double[] residual = new double[batch];
            for (int k = 0; k < maxIterations; k++) {
                Var current = Var.param(s);
                Tensor next = GradMode.withGrad(() -> step(current, c, alpha)).value();
                boolean done = true;
                for (int b = 0; b < batch; b++) {
                    double diff = 0;
                    double norm = 0;
                    for (int j = b * d; j < (b + 1) * d; j++) {
                        diff += Math.pow(next.data()[j] - s.data()[j], 2);
                        norm += s.data()[j] * s.data()[j];
                    }
                    residual[b] = Math.sqrt(diff) / Math.max(1.0, Math.sqrt(norm));
                    if (!Double.isFinite(residual[b])) {
                        throw new ArithmeticException(NAME + " diverged on instance " + b + " at iteration " + k);
                    }
                    done &= residual[b] <= tol;
                }
                s = next;
                if (done) {
                    return s;
                }
            }
            int worst = 0;
            for (int b = 1; b < batch; b++) {
                worst = residual[b] > residual[worst] ? b : worst;
            }
            throw new ArithmeticException(NAME + " did not converge on instance " + worst + ": step "
                    + residual[worst] + " after " + maxIterations + " iterations (tolerance " + tol + ")");
        };
    }
}
