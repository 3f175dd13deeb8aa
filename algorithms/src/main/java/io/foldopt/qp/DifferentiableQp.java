package io.foldopt.qp;

import io.foldopt.autodiff.FirstOrderRule;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Var;
import io.foldopt.linalg.Vec;
import io.foldopt.parallel.Parallel;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Shapes;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The convex QP {@code z*(P, q, A, b, G, h) = argmin 1/2 z^T P z + q^T z  s.t.  A z = b,  G z <= h} as a
 * differentiable operation on batches, differentiated through its KKT conditions (OptNet, Amos and Kolter
 * 2017).
 *
 * <p><b>Forward.</b> Every instance is solved by {@link QpOptions#solver()} ({@link QpBatchSolver}, in
 * parallel). Shapes are those of {@link QpBatch}: each parameter is shared or per instance, {@code A, b} and
 * {@code G, h} may be null. The outputs are {@code z (B, n)}, {@code nu (B, p)} and {@code lambda (B, m)}.
 * {@code P} enters only through its symmetric part, so its gradient is symmetric.
 *
 * <p><b>Backward.</b> At the solution, with the strictly active inequalities {@code S} (see
 * {@link QpOptions#activeTolerance()}), the KKT conditions
 * {@code F = (P z + q + A^T nu + G_S^T lambda_S,  A z - b,  G_S z - h_S) = 0} (and {@code lambda_i = 0} off
 * {@code S}) define {@code (z, nu, lambda_S)} implicitly with the symmetric Jacobian
 * {@code K_S = [P, A^T, G_S^T; A, 0, 0; G_S, 0, 0]} ({@link ActiveSetKkt}). For output cotangents
 * {@code (g_z, g_nu, g_lambda)} one solve {@code K_S (w_z, w_nu, w_S) = (g_z, g_nu, g_lambda,S)} per instance
 * gives, with {@code u} equal to {@code w_S} on {@code S} and 0 elsewhere,
 *
 * <pre>
 *   dP = -(w_z z^T + z w_z^T) / 2     dq = -w_z
 *   dA = -(nu w_z^T + w_nu z^T)       db = w_nu
 *   dG = -(lambda w_z^T + u z^T)      dh = u
 * </pre>
 *
 * (the reduced form of OptNet's equations, with {@code d = -w}). A shared parameter receives the sum over the
 * batch. {@code K_S} is factored with equilibration and solved with iterative refinement ({@link ActiveSetKkt});
 * when the solver is a {@link WarmStartQpSolver}, which keeps the Gram matrix {@code C P^{-1} C^T} of the
 * constraint rows for a positive definite {@code P}, {@code K_S} is solved through its Schur complement
 * {@code C_S P^{-1} C_S^T} instead (a Cholesky factorization of order {@code p + |S|}; {@link SchurKkt}), unless
 * that is singular or its condition number exceeds {@code 1e6}. The factorization of {@code K_S} is done in the
 * forward pass when the output is recorded, so the
 * report describes the derivative before any backward pass; the backward pass only solves, once per instance
 * for the cotangents of all three outputs. The VJP is first order: differentiating it again (a second-order
 * VJP through the QP) throws {@link UnsupportedOperationException}.
 *
 * <p><b>Degenerate instances.</b> A weakly active inequality ({@code lambda_i = 0} and {@code s_i = 0}) makes
 * the full KKT Jacobian singular and the solution map non-differentiable; such constraints (and constraints
 * whose activity cannot be decided within tolerance) are dropped from {@code S}, which gives the derivative of
 * the solution map on the side where they stay inactive, and are counted in
 * {@link QpInstanceReport#weaklyActive()}. If {@code K_S} is still singular (linearly dependent active
 * constraints, or {@code P} singular on their null space), the solve is replaced by the Tikhonov-regularized
 * least-squares solution {@code (K_S^2 + eps^2 I)^{-1} K_S r} ({@link QpOptions#regularization()}), which is
 * finite and tends to the minimum-norm solution {@code K_S^+ r}, and the instance is reported
 * {@link QpDerivative#REGULARIZED}.
 *
 * <p><b>Failures.</b> An instance that is not optimal (infeasible, unbounded, ...) throws a
 * {@link QpSolveException} naming it, or with {@link QpOptions#failurePolicy()} {@code FLAG} is flagged in the
 * report, keeps the solver's finite output and gets a zero gradient. Invalid inputs throw
 * {@link IllegalArgumentException} naming the parameter and instance ({@link QpBatch#of}).
 */
public final class DifferentiableQp {
    private DifferentiableQp() {}

    /**
     * @return the solutions {@code z (B, n)} as a graph node (see the class comment for shapes and gradients)
     * @throws QpSolveException if an instance is not optimal and {@link QpOptions#failurePolicy()} is {@code THROW}
     */
    public static Var solve(Var p, Var q, Var a, Var b, Var g, Var h, QpOptions options) {
        return solveWithMultipliers(p, q, a, b, g, h, options).z();
    }

    /**
     * @return the solutions, the multipliers (all differentiable) and the per-instance report
     * @throws QpSolveException if an instance is not optimal and {@link QpOptions#failurePolicy()} is {@code THROW}
     */
    public static QpOutput solveWithMultipliers(Var p, Var q, Var a, Var b, Var g, Var h, QpOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use QpOptions.defaults()");
        }
        Var[] params = {p, q, a, b, g, h};
        QpBatch batch = QpBatch.of(valueOf(p), valueOf(q), valueOf(a), valueOf(b), valueOf(g), valueOf(h));
        QpSolution[] solutions = QpBatchSolver.solve(options.solver(), batch);
        List<Var> inputs = new ArrayList<>();
        List<Integer> roles = new ArrayList<>();
        boolean anyGrad = false;
        for (int r = 0; r < params.length; r++) {
            if (params[r] != null) {
                inputs.add(params[r]);
                roles.add(r);
                anyGrad |= params[r].requiresGrad();
            }
        }
        boolean record = anyGrad && GradMode.isEnabled();
        int size = batch.size();
        Linearization[] lin = new Linearization[size];
        long dim = batch.n() + batch.equalities() + batch.inequalities();
        Parallel.forEach(size, dim * dim * dim,
                k -> lin[k] = Linearization.at(batch.instance(k), k, solutions[k], options, record));
        for (int k = 0; k < size; k++) {
            if (lin[k] == null) {
                // [eps I, K; K, -eps I] squares to diag(K^2 + eps^2 I), so this needs non-finite data.
                throw new IllegalStateException("the regularized KKT system of instance " + k
                        + " could not be factored");
            }
        }
        QpInstanceReport[] reports = new QpInstanceReport[size];
        for (int k = 0; k < size; k++) {
            QpSolution s = solutions[k];
            reports[k] = new QpInstanceReport(s.status(), s.iterations(), s.kktResidual(), lin[k].active.length,
                    lin[k].weak, lin[k].derivative, lin[k].kkt == null ? Double.NaN : lin[k].kkt.conditionNumber());
        }
        QpReport report = new QpReport(reports);
        if (options.failurePolicy() == FailurePolicy.THROW && !report.allOptimal()) {
            throw new QpSolveException(failureMessage(report), report);
        }
        int n = batch.n();
        int pe = batch.equalities();
        int m = batch.inequalities();
        double[] z = new double[size * n];
        double[] nu = new double[size * pe];
        double[] lambda = new double[size * m];
        for (int k = 0; k < size; k++) {
            System.arraycopy(solutions[k].z(), 0, z, k * n, n);
            System.arraycopy(solutions[k].nu(), 0, nu, k * pe, pe);
            System.arraycopy(solutions[k].lambda(), 0, lambda, k * m, m);
        }
        Var[] in = inputs.toArray(new Var[0]);
        int[][] shapes = new int[in.length][];
        for (int i = 0; i < in.length; i++) {
            shapes[i] = in[i].shape();
        }
        Var[] y = Operation.recordFirstOrder("QP", new Tensor[] {Tensor.wrap(z, size, n), Tensor.wrap(nu, size, pe),
                Tensor.wrap(lambda, size, m)}, in,
                new KktVjp(n, pe, m, solutions, lin, roles.stream().mapToInt(Integer::intValue).toArray(), shapes));
        return new QpOutput(y[0], y[1], y[2], report);
    }

    private static Tensor valueOf(Var v) {
        return v == null ? null : v.value();
    }

    private static String failureMessage(QpReport report) {
        StringBuilder sb = new StringBuilder("QP has no optimal solution at ");
        int[] failed = report.failedInstances();
        for (int i = 0; i < failed.length; i++) {
            QpInstanceReport r = report.instances()[failed[i]];
            sb.append(i == 0 ? "" : ", ").append("instance ").append(failed[i]).append(" (").append(r.status())
                    .append(", KKT residual ").append(r.kktResidual()).append(')');
        }
        return sb.append("; QpOptions.withFailurePolicy(FailurePolicy.FLAG) flags them instead").toString();
    }

    /**
     * The active set of one instance and, if the output is recorded and the instance optimal, the factored
     * {@code K_S}.
     */
    private static final class Linearization {
        final int[] active;
        final int weak;
        final KktSystem kkt;
        final QpDerivative derivative;

        private Linearization(int[] active, int weak, KktSystem kkt, QpDerivative derivative) {
            this.active = active;
            this.weak = weak;
            this.kkt = kkt;
            this.derivative = derivative;
        }

        /**
         * Classifies the inequalities of an optimal instance and, if {@code factor}, factors {@code K_S}: through the
         * Schur complement ({@link SchurKkt}) if the solver is a {@link WarmStartQpSolver} (which keeps the Gram
         * matrix of {@code P, A, G} of each instance index), {@code P} is positive definite and the Schur complement
         * well conditioned, else directly ({@link ActiveSetKkt}).
         *
         * @return the linearization, or null if even the regularized {@code K_S} cannot be factored
         */
        static Linearization at(QpProblem pr, int instance, QpSolution sol, QpOptions options, boolean factor) {
            if (!sol.optimal()) {
                return new Linearization(new int[0], 0, null, QpDerivative.ZERO);
            }
            double t = options.activeTolerance();
            double[] z = sol.z();
            double[] lambda = sol.lambda();
            double[] slack = pr.slacks(z);
            double lambdaTol = t * (1 + Vec.normInf(lambda));
            int[] kind = new int[pr.m];
            for (int i = 0; i < pr.m; i++) {
                double scale = 1 + Math.abs(pr.h[i]);
                for (int j = 0; j < pr.n; j++) {
                    scale += Math.abs(pr.g[i * pr.n + j] * z[j]);
                }
                boolean tight = slack[i] <= t * scale;
                boolean positive = lambda[i] > lambdaTol;
                kind[i] = tight == positive ? (tight ? 1 : 0) : -1;
            }
            int[] active = IntStream.range(0, pr.m).filter(i -> kind[i] == 1).toArray();
            int weak = (int) IntStream.of(kind).filter(c -> c == -1).count();
            if (!factor) {
                return new Linearization(active, weak, null, QpDerivative.NOT_RECORDED);
            }
            KktSystem kkt = null;
            if (options.solver() instanceof WarmStartQpSolver warm) {
                ConstraintGram gram = warm.gramOf(pr, instance);
                kkt = gram == null ? null : SchurKkt.factor(gram, pr.n, pr.p, active);
            }
            if (kkt == null) {
                kkt = ActiveSetKkt.factor(pr, active, options.regularization());
            }
            return kkt == null ? null : new Linearization(active, weak, kkt, kkt.regularized() ? QpDerivative.REGULARIZED
                    : QpDerivative.EXACT);
        }
    }

    /**
     * The VJP rule: one {@code K_S} solve per instance for the cotangents of {@code (z, nu, lambda)}, shared by
     * the gradients of all inputs, then the outer products of the class comment.
     */
    private static final class KktVjp implements FirstOrderRule {
        private final int n;
        private final int pe;
        private final int m;
        private final QpSolution[] solutions;
        private final Linearization[] lin;
        private final int[] roles;
        private final int[][] shapes;

        KktVjp(int n, int pe, int m, QpSolution[] solutions, Linearization[] lin, int[] roles, int[][] shapes) {
            this.n = n;
            this.pe = pe;
            this.m = m;
            this.solutions = solutions;
            this.lin = lin;
            this.roles = roles;
            this.shapes = shapes;
        }

        @Override
        public Tensor[] vjp(Tensor[] cotangents, boolean[] needsGrad) {
            double[][] w = adjoints(cotangents[0].data(), cotangents[1].data(), cotangents[2].data());
            Tensor[] grads = new Tensor[roles.length];
            for (int input = 0; input < roles.length; input++) {
                if (needsGrad[input]) {
                    grads[input] = gradient(input, w);
                }
            }
            return grads;
        }

        /** @return the gradient of input {@code input}, summed over the batch for a shared parameter */
        private Tensor gradient(int input, double[][] w) {
            int role = roles[input];
            int[] shape = shapes[input];
            boolean batched = shape.length == (role == 0 || role == 2 || role == 4 ? 3 : 2);
            double[] out = new double[Shapes.size(shape)];
            int stride = batched ? out.length / shape[0] : 0;
            for (int k = 0; k < w.length; k++) {
                if (w[k] != null) {
                    accumulate(role, k, w[k], out, k * stride);
                }
            }
            return Tensor.wrap(out, shape);
        }

        /**
         * @return per instance the solution {@code (w_z, w_nu, w_S)} of {@code K_S w = (g_z, g_nu, g_S)}, or
         *     null for an instance with a zero gradient
         */
        private double[][] adjoints(double[] gz, double[] gnu, double[] glambda) {
            double[][] w = new double[lin.length][];
            int width = n + pe + m;
            Parallel.forEach(lin.length, (long) width * width, k -> {
                KktSystem kkt = lin[k].kkt;
                if (kkt == null) {
                    return;
                }
                int[] active = lin[k].active;
                double[] r = new double[n + pe + active.length];
                System.arraycopy(gz, k * n, r, 0, n);
                System.arraycopy(gnu, k * pe, r, n, pe);
                for (int s = 0; s < active.length; s++) {
                    r[n + pe + s] = glambda[k * m + active[s]];
                }
                w[k] = kkt.solve(r);
            });
            return w;
        }

        /** Adds instance {@code k}'s gradient of parameter {@code role} to {@code out} at {@code off}. */
        private void accumulate(int role, int k, double[] w, double[] out, int off) {
            double[] z = solutions[k].z();
            switch (role) {
                case 0: // P: -(w_z z^T + z w_z^T) / 2
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            out[off + i * n + j] -= 0.5 * (w[i] * z[j] + z[i] * w[j]);
                        }
                    }
                    break;
                case 1: // q: -w_z
                    for (int j = 0; j < n; j++) {
                        out[off + j] -= w[j];
                    }
                    break;
                case 2: // A: -(nu w_z^T + w_nu z^T)
                    outer(solutions[k].nu(), w, w, n, z, pe, out, off);
                    break;
                case 3: // b: w_nu
                    for (int i = 0; i < pe; i++) {
                        out[off + i] += w[n + i];
                    }
                    break;
                case 4: // G: -(lambda w_z^T + u z^T)
                    outer(solutions[k].lambda(), w, multiplierAdjoint(k, w), 0, z, m, out, off);
                    break;
                case 5: // h: u
                    double[] u = multiplierAdjoint(k, w);
                    for (int i = 0; i < m; i++) {
                        out[off + i] += u[i];
                    }
                    break;
                default:
                    throw new IllegalStateException("unknown parameter role " + role);
            }
        }

        /** @return {@code u}: {@code w_S} scattered to the active inequalities, 0 elsewhere */
        private double[] multiplierAdjoint(int k, double[] w) {
            double[] u = new double[m];
            int[] active = lin[k].active;
            for (int s = 0; s < active.length; s++) {
                u[active[s]] = w[n + pe + s];
            }
            return u;
        }

        /**
         * {@code out[off + i n + j] -= mult_i w_j + adj[adjOff + i] z_j} for {@code i < rows}: the gradient
         * {@code -(mult w_z^T + adj z^T)} of a constraint matrix.
         */
        private void outer(double[] mult, double[] w, double[] adj, int adjOff, double[] z, int rows, double[] out,
                int off) {
            for (int i = 0; i < rows; i++) {
                double mi = mult[i];
                double ai = adj[adjOff + i];
                for (int j = 0; j < n; j++) {
                    out[off + i * n + j] -= mi * w[j] + ai * z[j];
                }
            }
        }
    }
}
