package io.foldopt.algorithms;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.operator.LinearOperator;
import io.foldopt.parallel.Parallel;
import io.foldopt.prox.ProximalOperator;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * The primal-dual hybrid gradient method (Chambolle and Pock 2011) for {@code min_x f(x; c) + g(K x)} with a
 * {@link LinearOperator} {@code K : R^n -> R^m}, a {@link PrimalTerm} {@code f} and the proximal operator of the
 * convex conjugate {@code g*} (for {@code g(z) = sum_k lambda_k ||z_k||_1}, the clip to {@code [-lambda_k, lambda_k]}:
 * {@link #weightedL1Conjugate}).
 *
 * <p>State {@code s = (x, y) (B, n + m)}; one step with the primal and dual steps {@code tau, sigma}:
 *
 * <pre>
 *   x+ = prox_{tau f}(x - tau K^T y)
 *   y+ = prox_{sigma g*}(y + sigma K (2 x+ - x))
 * </pre>
 *
 * Its fixed points are the saddle points: {@code -K^T y in df(x)} and {@code K x in dg*(y)}, so {@code x} solves the
 * problem. The steps {@code tau = sigma = 0.99 / ||K||} satisfy {@code tau sigma ||K||^2 < 1}; they change neither the
 * fixed points nor the gradients. Where the dual solution is not unique (for example the free duals of a 2-D
 * difference operator, whose rows form cycles), {@code I - Phi} is singular but the backward system is consistent and
 * the gradients are unique: the Krylov methods (GMRES, BiCGSTAB) solve it, DIRECT does not.
 *
 * <p>The layer parameters are those of {@code f} (for {@link PrimalTerm#squaredDistance()}, the data {@code d}); the
 * parameters of {@code K} and of {@code g*} (the weights {@code lambda_k}) are captured and receive folded gradients
 * when they require them. Forward solver: the same iteration on plain arrays, with {@code K} applied outside the
 * graph, from {@code s = 0}.
 */
public final class PrimalDualHybridGradient implements FoldableAlgorithm {
    private static final String NAME = "PDHG";
    private static final int NORM_ITERATIONS = 100;
    private static final long NORM_SEED = 0x7d6L;
    private static final double NORM_MARGIN = 1.05;

    private final LinearOperator k;
    private final PrimalTerm f;
    private final ProximalOperator gStar;
    private final int n;
    private final int m;
    private final double tau;
    private final double sigma;
    private Var[] captured;

    /**
     * Creates the method with steps from a bound on {@code ||K||_2}.
     *
     * @param k the operator {@code K (m, n)}
     * @param f the primal term
     * @param gStar the proximal operator of {@code g*} on {@code R^m}
     * @param normBound an upper bound on {@code ||K||_2}, positive and finite
     */
    public PrimalDualHybridGradient(LinearOperator k, PrimalTerm f, ProximalOperator gStar, double normBound) {
        this(k, f, gStar, normBound, 1.0);
    }

    /**
     * Creates the method with steps {@code tau = 0.99 r / bound} and {@code sigma = 0.99 / (r bound)} from a bound on
     * {@code ||K||_2} and a primal weight {@code r} (larger moves {@code x} faster relative to {@code y}).
     *
     * @param normBound an upper bound on {@code ||K||_2}, positive and finite
     * @param primalWeight {@code r}, positive and finite
     */
    public PrimalDualHybridGradient(LinearOperator k, PrimalTerm f, ProximalOperator gStar, double normBound,
            double primalWeight) {
        if (k.rows() < 1 || k.cols() < 1) {
            throw new IllegalArgumentException(NAME + ": K must have at least one row and column, got (" + k.rows()
                    + ", " + k.cols() + ")");
        }
        if (!(normBound > 0) || !Double.isFinite(normBound)) {
            throw new IllegalArgumentException(NAME + ": the bound on ||K|| must be positive and finite, got "
                    + normBound);
        }
        if (!(primalWeight > 0) || !Double.isFinite(primalWeight)) {
            throw new IllegalArgumentException(NAME + ": the primal weight must be positive and finite, got "
                    + primalWeight);
        }
        this.k = k;
        this.f = f;
        this.gStar = gStar;
        this.n = k.cols();
        this.m = k.rows();
        this.tau = 0.99 * primalWeight / normBound;
        this.sigma = 0.99 / (primalWeight * normBound);
    }

    /**
     * Creates the method with steps from a power-iteration estimate of {@code ||K||_2} ({@link #operatorNorm}) times
     * 1.05.
     */
    public PrimalDualHybridGradient(LinearOperator k, PrimalTerm f, ProximalOperator gStar) {
        this(k, f, gStar, NORM_MARGIN * operatorNorm(k));
    }

    /**
     * @return an estimate of {@code ||K||_2 = sqrt(lambda_max(K^T K))}: {@link LinearOperator#normEstimate} with 100
     *     power iterations on {@code K^T K} from a seeded random start (a lower bound up to the estimate's error)
     * @throws IllegalArgumentException if {@code K} is zero or produces non-finite values
     */
    public static double operatorNorm(LinearOperator k) {
        double norm = k.normEstimate(NORM_ITERATIONS, NORM_SEED);
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalArgumentException(NAME + ": ||K|| estimated as " + norm + "; K must be nonzero and finite");
        }
        return norm;
    }

    /**
     * @param lambda the weights {@code lambda_k >= 0}, a vector {@code (K)}
     * @param blockSizes the sizes {@code m_k} of the blocks {@code z_k} of {@code z}, one per weight
     * @return the proximal operator of {@code g*} for {@code g(z) = sum_k lambda_k ||z_k||_1}: the clip of block
     *     {@code k} to {@code [-lambda_k, lambda_k]}, differentiable in {@code lambda}
     */
    public static ProximalOperator weightedL1Conjugate(Var lambda, int... blockSizes) {
        if (lambda.rank() != 1 || lambda.dim(0) != blockSizes.length) {
            throw new IllegalArgumentException(NAME + ": needs one weight per block, got weights of shape "
                    + Arrays.toString(lambda.shape()) + " for " + blockSizes.length + " blocks");
        }
        Var[] parts = new Var[blockSizes.length];
        for (int b = 0; b < blockSizes.length; b++) {
            if (blockSizes[b] < 1) {
                throw new IllegalArgumentException(NAME + ": block " + b + " has size " + blockSizes[b]);
            }
            parts[b] = Structure.broadcastTo(lambda.slice(b, b + 1), blockSizes[b]);
        }
        Var w = Structure.concat(parts);
        return ProximalOperator.box(w.neg(), w);
    }

    /** @return the primal step {@code tau} */
    public double primalStep() {
        return tau;
    }

    /** @return the dual step {@code sigma} */
    public double dualStep() {
        return sigma;
    }

    /** @return the size {@code n + m} of the state {@code (x, y)} */
    public int stateDim() {
        return n + m;
    }

    /**
     * @return one PDHG step {@code U(x, y; c)} (class comment); params = the parameters of {@code f}. When the proxes
     *     of {@code f} and {@code g*} give their slopes ({@link PrimalTerm#proxSlopes}, {@link
     *     ProximalOperator#slopes}), the step is one recorded operation whose first-order VJP applies {@code K} and
     *     {@code K^T} once each and the slopes elementwise (a second differentiation through it raises); otherwise it
     *     is recorded operation by operation
     */
    @Override
    public UpdateMap updateMap() {
        return (s, params) -> {
            checkParams(values(params));
            Var fused = FusedStep.record(this, s, params);
            return fused != null ? fused : recordedStep(s, params);
        };
    }

    /** @return the step recorded operation by operation, differentiable to any order where its operations are */
    UpdateMap recordedUpdateMap() {
        return (s, params) -> {
            checkParams(values(params));
            return recordedStep(s, params);
        };
    }

    /** @return {@code U(s; c)} from the recorded operations of {@code K}, {@code f} and {@code g*} */
    Var recordedStep(Var s, Var[] params) {
        Var x = s.slice(0, n);
        Var y = s.slice(n, n + m);
        Var xNext = f.prox(x.sub(k.adjoint(y).mul(tau)), tau, params);
        Var yNext = gStar.apply(y.add(k.apply(xNext.mul(2).sub(x)).mul(sigma)), sigma);
        return Structure.concat(xNext, yNext);
    }

    /** @return the primal solution {@code x}, the first {@code n} columns of the state */
    @Override
    public Var output(Var state) {
        return state.slice(0, n);
    }

    /**
     * @return the PDHG iteration of {@link #updateMap()} on plain arrays from {@code s = 0}, per instance in parallel
     * @throws ArithmeticException (from the solver) naming the instance that does not converge
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        return solver(tol, maxIterations, null);
    }

    /**
     * @param start the starting states {@code (B, n + m)} (for example the solution at nearby parameters), or null
     *     for zero
     * @return the PDHG iteration of {@link #updateMap()} on plain arrays from {@code start}, per instance in parallel
     * @throws IllegalArgumentException (from the solver) if {@code start} does not have one state per instance
     * @throws ArithmeticException (from the solver) naming the instance that does not converge
     */
    public ForwardSolver solver(double tol, int maxIterations, Tensor start) {
        ForwardSolver batched = ForwardSolver.perInstance((b, c) -> {
            Work work = new Work();
            double[] s0 = start == null ? new double[n + m] : start.row(b);
            return FixedPointIteration.solve(NAME, b, s0, (from, to) -> step(from, to, c, work), false, tol,
                    maxIterations);
        });
        return params -> {
            checkParams(params);
            if (start != null) {
                checkStart(start, params);
            }
            return batched.solve(params);
        };
    }

    private void checkStart(Tensor start, Tensor[] params) {
        if (start.rank() != 2 || start.dim(0) != params[0].dim(0) || start.dim(1) != n + m) {
            throw new IllegalArgumentException(NAME + ": the starting states must have shape (" + params[0].dim(0)
                    + ", " + (n + m) + "), got " + Arrays.toString(start.shape()));
        }
    }

    /**
     * Runs exactly {@code steps} PDHG steps from given states, without a convergence test: two runs from the same
     * start with the same number of steps share the part of their error that their parameters do not change (what a
     * finite difference of solutions needs).
     *
     * @param start the starting states {@code (B, n + m)}
     * @param params the parameters of {@code f}, each {@code (B, n)}
     * @param steps the number of steps, at least 0
     * @return the states after {@code steps} steps, {@code (B, n + m)}
     */
    public Tensor iterate(Tensor start, Tensor[] params, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException(NAME + ": the number of steps must be >= 0, got " + steps);
        }
        checkParams(params);
        checkStart(start, params);
        return GradMode.noGrad(() -> ForwardSolver.perInstance((b, c) -> {
            Work work = new Work();
            double[] from = start.row(b);
            double[] to = new double[n + m];
            for (int k = 0; k < steps; k++) {
                step(from, to, c, work);
                double[] swap = from;
                from = to;
                to = swap;
            }
            return from;
        }).solve(params));
    }

    /** The arrays of one instance's plain step; after {@link #step}, {@code v} and {@code w} are the proxes' arguments. */
    final class Work {
        final double[] y = new double[m];
        final double[] v = new double[n];
        final double[] u = new double[n];
        final double[] w = new double[m];
    }

    /**
     * {@code to = U(from)} for one instance on plain arrays: {@code v = x - tau K^T y}, {@code x+ = prox_{tau f}(v)},
     * {@code w = y + sigma K (2 x+ - x)}, {@code y+ = prox_{sigma g*}(w)}.
     *
     * @param c the instance's parameter rows of {@code f}
     */
    void step(double[] from, double[] to, double[][] c, Work work) {
        double[] y = work.y;
        double[] v = work.v;
        double[] u = work.u;
        double[] w = work.w;
        System.arraycopy(from, n, y, 0, m);
        k.adjoint(y, 1, v);
        Parallel.forRanges(n, 3, (lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                v[j] = from[j] - tau * v[j];
                u[j] = v[j];
            }
        });
        f.proxInPlace(u, tau, c);
        Parallel.forRanges(n, 3, (lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                to[j] = u[j];
                u[j] = 2 * u[j] - from[j];
            }
        });
        k.apply(u, 1, w);
        Parallel.forRanges(m, 3, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                w[i] = y[i] + sigma * w[i];
                y[i] = w[i];
            }
        });
        gStar.applyInPlace(y, sigma);
        System.arraycopy(y, 0, to, n, m);
    }

    /**
     * @return the variables that {@code K}, {@code f} and {@code g*} capture (recorded before the step, requiring
     *     gradients), found once by recording a step at zero
     */
    synchronized Var[] captured() {
        if (captured == null) {
            captured = GradMode.withGrad(() -> {
                Var probe = Var.param(Tensor.zeros(1, n + m));
                Var[] c = new Var[f.parameterNames().length];
                Arrays.fill(c, Var.constant(Tensor.zeros(1, n)));
                return Autodiff.capturedInputs(recordedStep(probe, c), probe);
            });
        }
        return captured;
    }

    LinearOperator operator() {
        return k;
    }

    PrimalTerm primalTerm() {
        return f;
    }

    ProximalOperator dualProx() {
        return gStar;
    }

    int primalDim() {
        return n;
    }

    private static Tensor[] values(Var[] params) {
        Tensor[] values = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            values[i] = params[i].value();
        }
        return values;
    }

    private void checkParams(Tensor[] params) {
        String[] names = f.parameterNames();
        int[] widths = new int[names.length];
        Arrays.fill(widths, n);
        FixedPointIteration.checkParams(NAME, params, names, widths);
    }
}
