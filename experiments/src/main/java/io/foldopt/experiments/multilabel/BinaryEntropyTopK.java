package io.foldopt.experiments.multilabel;

import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.algorithms.Sqp;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.projection.Projections;
import io.foldopt.tensor.Tensor;
import io.foldopt.topk.TopK;
import java.util.function.Supplier;

/**
 * The LML top-k problem (Amos et al. 2019) and the three layers that solve it:
 *
 * <pre>
 *   x*(c) = argmax_x  c^T x + eps H_b(x)   s.t.   0 &lt;= x &lt;= 1,  1^T x = k,
 *   H_b(x) = -sum_i [x_i log x_i + (1 - x_i) log(1 - x_i)],
 * </pre>
 *
 * written as {@code min f(x, c) = -c^T x - eps H_b(x)} for a batch of scores {@code c (B, n)}. Its solution
 * is {@code x_i = sigmoid((c_i - nu) / eps)}, strictly inside the box, with the multiplier {@code nu} of
 * {@code 1^T x = k} ({@code grad f + nu 1 = 0}).
 *
 * <ul>
 *   <li>{@link #lml}: LML's closed form with its analytic VJP ({@link TopK#binaryEntropy}).
 *   <li>{@link #foldedPgd}: a {@link FoldedLayer} whose update map is projected gradient
 *       {@code U(x, c) = Proj(x - alpha grad f(x, c))} with the capped-simplex projection
 *       {@code Proj} onto {@code {0 <= x <= 1, 1^T x = k}}; its forward solver is LML's closed form (a PGD
 *       forward would reach the bounds, where {@code log} is not finite).
 *   <li>{@link #foldedSqp}: a {@link FoldedLayer} over the Newton-SQP step ({@link Sqp}, {@code alpha = 1})
 *       on the state {@code (x, nu)} with the equality {@code 1^T x = k} only (the bounds never bind); its
 *       forward solver is LML's closed form completed with {@code nu = mean_i (c_i - eps logit(x_i))}.
 * </ul>
 * All three have the same solution and, to the folded layers' backward tolerance, the same VJP.
 */
public final class BinaryEntropyTopK {
    private final int n;
    private final int k;
    private final double eps;

    /**
     * @param n the number of labels
     * @param k the number of labels selected, {@code 0 < k < n}
     * @param eps the entropy weight, {@code > 0}
     */
    public BinaryEntropyTopK(int n, int k, double eps) {
        if (k <= 0 || k >= n) {
            throw new IllegalArgumentException("top-k problem needs 0 < k < n, got k = " + k + ", n = " + n);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("entropy weight must be positive and finite, got " + eps);
        }
        this.n = n;
        this.k = k;
        this.eps = eps;
    }

    /** @return {@code f(x, c) = -c^T x + eps sum_i [x_i log x_i + (1 - x_i) log(1 - x_i)]} per instance */
    public Var objective(Var x, Var c) {
        Var y = x.neg().add(1.0);
        return x.mul(c).neg().add(x.mul(x.log()).add(y.mul(y.log())).mul(eps)).sum(-1);
    }

    /** @return LML's layer {@code x*(c)} */
    public Var lml(Var c) {
        return TopK.binaryEntropy(c, k, eps);
    }

    /**
     * @param step the PGD step {@code alpha > 0}; the folded gradient does not depend on it, only the
     *     conditioning of the backward system does
     * @return the folded PGD layer {@code c -> x*(c)}
     */
    public FoldedLayer foldedPgd(double step, FoldOptions options) {
        ProjectedGradient pgd = new ProjectedGradient(n, (x, p) -> objective(x, p[0]),
                x -> Projections.cappedSimplex(x, 1.0, k), step);
        return new FoldedLayer(params -> lml(Var.constant(params[0])).value(), pgd.updateMap(), options);
    }

    /** @return the SQP on {@code (x, nu)}: Newton steps, start {@code x_0 = k/n}, diagonal Hessian */
    public Sqp sqp() {
        Var eye = Var.constant(Tensor.eye(n));
        Sqp.Problem problem = new Sqp.Problem() {
            @Override
            public Var objective(Var x, Var[] params) {
                return BinaryEntropyTopK.this.objective(x, params[0]);
            }

            @Override
            public Var equalities(Var x, Var[] params) {
                return x.sum(-1).reshape(x.dim(0), 1).add(-k);
            }

            /** The constraint is linear, so the Hessian of the Lagrangian is {@code eps diag(1/x + 1/(1-x))}. */
            @Override
            public Var hessian(Var x, Var[] params, Var lambda, Var nu, Supplier<Var> gradLagrangian) {
                Var diagonal = x.pow(-1).add(x.neg().add(1.0).pow(-1)).mul(eps);
                return diagonal.reshape(x.dim(0), n, 1).mul(eye);
            }
        };
        return Sqp.builder(n, problem).equalities(1).start(Tensor.full((double) k / n, n)).build();
    }

    /**
     * @return the folded SQP layer on the state {@code (x, nu) (B, n + 1)}; read {@code x} off with
     *     {@link Sqp#output}
     */
    public FoldedLayer foldedSqp(Sqp sqp, FoldOptions options) {
        return new FoldedLayer(params -> {
            Tensor c = params[0];
            Tensor x = lml(Var.constant(c)).value();
            int batch = c.dim(0);
            double[] state = new double[batch * (n + 1)];
            for (int b = 0; b < batch; b++) {
                double nu = 0;
                for (int i = 0; i < n; i++) {
                    double xi = x.get(b, i);
                    state[b * (n + 1) + i] = xi;
                    nu += (c.get(b, i) - eps * Math.log(xi / (1 - xi))) / n;
                }
                state[b * (n + 1) + n] = nu;
            }
            return Tensor.wrap(state, batch, n + 1);
        }, sqp.updateMap(), options);
    }
}
