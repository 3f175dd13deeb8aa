package io.foldopt.algorithms;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolveException;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.QpOutput;
import io.foldopt.qp.QpProblem;
import io.foldopt.qp.QpSolution;
import io.foldopt.qp.QpSolver;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Sequential quadratic programming for {@code min f(x, c) s.t. g(x, c) <= 0 (m), h(x, c) = 0 (p)}, a
 * {@link FoldableAlgorithm} on the state {@code s = (x, lambda, nu)} of size {@code n + m + p}.
 *
 * <p>One step {@code U(s, c)} solves the QP model at {@code x}
 * <pre>
 *   min_d 1/2 d^T H d + grad f^T d   s.t.   g + J_g d &lt;= 0,   h + J_h d = 0
 * </pre>
 * with {@code H} the Hessian of the Lagrangian {@code f + lambda^T g + nu^T h} and QP multipliers
 * {@code (lambda_QP, nu_QP)}, then sets
 * {@code x <- x + step d}, {@code lambda <- lambda + step (lambda_QP - lambda)}, {@code nu <- nu_QP}.
 * Its fixed points are the KKT points. The QP is the differentiable {@link DifferentiableQp}, so folding
 * differentiates through it (and through the second derivatives in {@code H}); with {@code step = 1}
 * the step is Newton's and {@code Phi ~ 0} at a KKT point with strict complementarity, so LFPI converges
 * in one or two iterations. {@code H} must be positive semidefinite on the QP's feasible directions for
 * the QP to be convex (true for convex problems).
 *
 * <p>The derivatives {@code grad f}, {@code J_g}, {@code J_h} and {@code H} come from reverse-mode autodiff
 * ({@code H} by second-order products), or in closed form from the {@link Problem}; closed forms save the
 * autodiff passes (one per constraint for the Jacobians, one per row for {@code H}) in every step.
 *
 * <p>Forward solver: the same step, batched and not recorded (the QP is solved without its derivative), from
 * {@code (x_0, 0, 0)}, each instance until its state moves less than {@code tol * max(1, ||s||)}; it returns the
 * state with its multipliers.
 *
 * <p>Built with {@link #builder}, for example
 * {@code Sqp.builder(n, problem).inequalities(m).equalities(p).start(x0).build()}.
 */
public final class Sqp implements FoldableAlgorithm {
    private static final String NAME = "SQP";

    /**
     * The problem: objective and constraints written with foldopt operations, batched over rows. The derivatives
     * of the QP model default to reverse-mode autodiff; a problem that knows them in closed form overrides
     * {@link #objectiveGradient}, {@link #inequalityJacobian}, {@link #equalityJacobian} and {@link #hessian}
     * (each must stay written with foldopt operations of {@code x}, so that the recorded step is differentiable).
     * Every method is called with recording on and {@code x} requiring a gradient.
     */
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

        /** @return {@code grad_x f(x, c) (B, n)}, recorded; by default one reverse pass through {@link #objective} */
        default Var objectiveGradient(Var x, Var[] params) {
            return Autodiff.gradGraph(objective(x, params).sum(), x);
        }

        /**
         * @param g {@code g(x, c) (B, m)} as {@link #inequalities} returned it
         * @return {@code J_g (B, m, n)}, recorded; by default one reverse pass per constraint ({@link Sqp#jacobian})
         */
        default Var inequalityJacobian(Var x, Var[] params, Var g) {
            return jacobian(g, x);
        }

        /**
         * @param h {@code h(x, c) (B, p)} as {@link #equalities} returned it
         * @return {@code J_h (B, p, n)}, recorded; by default one reverse pass per constraint ({@link Sqp#jacobian})
         */
        default Var equalityJacobian(Var x, Var[] params, Var h) {
            return jacobian(h, x);
        }

        /**
         * @param lambda the inequality multipliers {@code (B, m)}, or null when {@code m = 0}
         * @param nu the equality multipliers {@code (B, p)}, or null when {@code p = 0}
         * @param gradLagrangian gives {@code grad_x L = grad f + J_g^T lambda + J_h^T nu (B, n)}, recorded as a
         *     function of {@code x} (computed when asked for)
         * @return the Hessian of the Lagrangian {@code (B, n, n)}, recorded; by default one recorded VJP of
         *     {@code grad_x L} per row
         */
        default Var hessian(Var x, Var[] params, Var lambda, Var nu, Supplier<Var> gradLagrangian) {
            return jacobian(gradLagrangian.get(), x);
        }
    }

    private final int n;
    private final int m;
    private final int p;
    private final Problem problem;
    private final double step;
    private final Tensor start;
    private final QpOptions qp;

    private Sqp(Builder b) {
        if (b.n < 1 || b.m < 0 || b.p < 0) {
            throw new IllegalArgumentException(NAME + ": need n >= 1, m >= 0, p >= 0, got " + b.n + ", " + b.m + ", "
                    + b.p);
        }
        if (!(b.step > 0 && b.step <= 1)) {
            throw new IllegalArgumentException(NAME + ": step must be in (0, 1], got " + b.step);
        }
        Tensor x0 = b.start == null ? Tensor.zeros(b.n) : b.start;
        if (x0.size() != b.n || !x0.isFinite()) {
            throw new IllegalArgumentException(NAME + ": start must be a finite vector of size " + b.n);
        }
        this.n = b.n;
        this.m = b.m;
        this.p = b.p;
        this.problem = Objects.requireNonNull(b.problem, "problem");
        this.step = b.step;
        this.start = x0;
        this.qp = Objects.requireNonNull(b.qp, "qp");
    }

    /**
     * @param n the dimension of {@code x}, at least 1
     * @param problem the objective and constraints
     * @return a builder with no constraints, step 1 (Newton), start {@code x_0 = 0} and the default QP settings
     */
    public static Builder builder(int n, Problem problem) {
        return new Builder(n, problem);
    }

    /** The settings of an {@link Sqp}; {@link #build()} validates them. */
    public static final class Builder {
        private final int n;
        private final Problem problem;
        private int m;
        private int p;
        private double step = 1;
        private Tensor start;
        private QpOptions qp = QpOptions.defaults();

        private Builder(int n, Problem problem) {
            this.n = n;
            this.problem = problem;
        }

        /** @return this builder with {@code m} inequalities {@code g(x, c) <= 0} */
        public Builder inequalities(int count) {
            this.m = count;
            return this;
        }

        /** @return this builder with {@code p} equalities {@code h(x, c) = 0} */
        public Builder equalities(int count) {
            this.p = count;
            return this;
        }

        /** @return this builder with the step in {@code (0, 1]} ({@code 1} is Newton's) */
        public Builder step(double value) {
            this.step = value;
            return this;
        }

        /** @return this builder with the forward solver's initial {@code x_0 (n)} */
        public Builder start(Tensor value) {
            this.start = value;
            return this;
        }

        /** @return this builder with the QP subproblem's solver settings */
        public Builder qp(QpOptions value) {
            this.qp = value;
            return this;
        }

        /**
         * @return the algorithm
         * @throws IllegalArgumentException if a size is out of range, the step is outside {@code (0, 1]} or the
         *     start is not a finite vector of size n
         */
        public Sqp build() {
            return new Sqp(this);
        }
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

    /**
     * @return the update {@code U}: with recording on, the step recorded (differentiable in the state, the
     *     parameters and through {@code H}'s second derivatives); with recording off (the forward solver), only its
     *     value: the QP model is evaluated at the state and the QP solved without its derivative
     */
    @Override
    public UpdateMap updateMap() {
        return (s, params) -> GradMode.isEnabled() ? update(s.requiresGrad() ? s : Var.param(s.value()), params)
                : value(s, params);
    }

    /** @return {@code U(s, c)} recorded, for a state {@code s} that requires a gradient */
    private Var update(Var s, Var[] params) {
        Var x = s.slice(0, n);
        Var lambda = m > 0 ? s.slice(n, n + m) : null;
        Var nu = p > 0 ? s.slice(n + m, n + m + p) : null;
        return step(x, lambda, nu, model(x, lambda, nu, params), qp);
    }

    /**
     * @return the value of {@code U(s, c)}, nothing recorded: the model's derivatives are taken at a leaf
     *     {@code x} (recorded locally where they come from autodiff) and their values enter the QP
     */
    private Var value(Var s, Var[] params) {
        return value(s, params, qp);
    }

    /** @return {@link #value(Var, Var[])} with the QP solved by {@code options} */
    private Var value(Var s, Var[] params, QpOptions options) {
        Var x = Var.constant(s.value()).slice(0, n);
        Var lambda = m > 0 ? Var.constant(s.value()).slice(n, n + m) : null;
        Var nu = p > 0 ? Var.constant(s.value()).slice(n + m, n + m + p) : null;
        Model model = GradMode.withGrad(() -> model(Var.param(x.value()), lambda, nu, params)).detach();
        return step(x, lambda, nu, model, options);
    }

    /** The QP model of a step: {@code grad f}, the constraints, their Jacobians and {@code H}. */
    private record Model(Var gradF, Var g, Var jg, Var h, Var jh, Var hessian) {
        Model detach() {
            return new Model(gradF.detach(), g == null ? null : g.detach(), jg == null ? null : jg.detach(),
                    h == null ? null : h.detach(), jh == null ? null : jh.detach(), hessian.detach());
        }
    }

    /** @return the QP model at {@code x}, which requires a gradient (recording on) */
    private Model model(Var x, Var lambda, Var nu, Var[] params) {
        Var gradF = problem.objectiveGradient(x, params);
        Var g = m > 0 ? problem.inequalities(x, params) : null;
        Var jg = m > 0 ? problem.inequalityJacobian(x, params, g) : null;
        Var h = p > 0 ? problem.equalities(x, params) : null;
        Var jh = p > 0 ? problem.equalityJacobian(x, params, h) : null;
        Supplier<Var> gradL = () -> {
            Var sum = gradF;
            if (m > 0) {
                sum = sum.add(LinearAlgebra.matvec(jg.transpose(), lambda));
            }
            if (p > 0) {
                sum = sum.add(LinearAlgebra.matvec(jh.transpose(), nu));
            }
            return sum;
        };
        return new Model(gradF, g, jg, h, jh, problem.hessian(x, params, lambda, nu, gradL));
    }

    /** @return the next state {@code (x + step d, lambda + step (lambda_QP - lambda), nu_QP)} from the model's QP */
    private Var step(Var x, Var lambda, Var nu, Model model, QpOptions options) {
        QpOutput out = DifferentiableQp.solveWithMultipliers(model.hessian(), model.gradF(), model.jh(),
                model.h() == null ? null : model.h().neg(), model.jg(), model.g() == null ? null : model.g().neg(),
                options);
        Var xNext = x.add(out.z().mul(step));
        Var[] parts = new Var[1 + (m > 0 ? 1 : 0) + (p > 0 ? 1 : 0)];
        int k = 0;
        parts[k++] = xNext;
        if (m > 0) {
            parts[k++] = lambda.add(out.lambda().sub(lambda).mul(step));
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
     * @return the forward solver: the step {@link #updateMap()}, not recorded, from {@code (x_0, 0, 0)}, each
     *     instance until its state moves less than {@code tol * max(1, ||s||)} (the instances still moving are
     *     stepped together, their QPs warm-started under their own batch indices); it throws
     *     {@link ForwardSolveException} with {@link Status#ITERATION_LIMIT} when an instance has not converged in
     *     {@code maxIterations} steps and with {@link Status#NUMERICAL_FAILURE} when a state is not finite, naming
     *     the first such instance
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        SolverOptions.checkTolerance("tolerance", tol);
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        int d = n + m + p;
        return params -> GradMode.noGrad(() -> {
            int batch = FixedPointIteration.checkParams(NAME, params);
            double[] state = new double[batch * d];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(start.data(), 0, state, b * d, n);
            }
            int[] moving = IntStream.range(0, batch).toArray();
            double[] lastStep = new double[batch];
            for (int k = 1; k <= maxIterations && moving.length > 0; k++) {
                Tensor s = rows(state, d, moving);
                Var[] c = new Var[params.length];
                for (int i = 0; i < params.length; i++) {
                    c[i] = Var.constant(rows(params[i].data(), params[i].dim(1), moving));
                }
                Tensor next = value(Var.constant(s), c, qp.withSolver(new Indexed(qp.solver(), moving))).value();
                int bad = next.firstNonFinite();
                if (bad >= 0) {
                    int instance = moving[bad / d];
                    throw new ForwardSolveException("SQP produced a non-finite state in instance " + instance
                            + " at iteration " + k, Status.NUMERICAL_FAILURE, instance);
                }
                double[] steps = FoldedLayer.fixedPointResiduals(next, s);
                int still = 0;
                for (int r = 0; r < moving.length; r++) {
                    System.arraycopy(next.data(), r * d, state, moving[r] * d, d);
                    if (!(steps[r] <= tol)) {
                        lastStep[still] = steps[r];
                        moving[still++] = moving[r];
                    }
                }
                moving = Arrays.copyOf(moving, still);
            }
            if (moving.length > 0) {
                throw new ForwardSolveException(String.format("SQP did not converge in instance %d: relative step"
                        + " %.3g > tolerance %.3g after %d iterations", moving[0], lastStep[0], tol, maxIterations),
                        Status.ITERATION_LIMIT, moving[0]);
            }
            return Tensor.wrap(state, batch, d);
        });
    }

    /** @return the rows {@code rows} of the {@code (B, width)} row-major {@code data}, as a {@code (rows, width)} tensor */
    private static Tensor rows(double[] data, int width, int[] rows) {
        double[] out = new double[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(data, rows[r] * width, out, r * width, width);
        }
        return Tensor.wrap(out, rows.length, width);
    }

    /** A QP solver that solves instance {@code k} of a batch of selected instances as instance {@code indices[k]}. */
    private record Indexed(QpSolver solver, int[] indices) implements QpSolver {
        @Override
        public QpSolution solve(QpProblem problem) {
            return solver.solve(problem);
        }

        @Override
        public QpSolution solve(QpProblem problem, int instance) {
            return solver.solve(problem, indices[instance]);
        }
    }
}
