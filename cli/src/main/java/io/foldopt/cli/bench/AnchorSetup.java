package io.foldopt.cli.bench;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.problems.BoxNonconvexQp;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The seeded setup of the backward benchmarks, shared by {@code foldopt bench backward}, the JMH
 * benchmarks and the tests: the anchor problem {@link BoxNonconvexQp#random(int, long)} from seed
 * {@code s}, standard-normal parameters {@code c} from {@code s + 1} and a standard-normal
 * cotangent {@code g} from {@code s + 2}, both {@code (batch, n)}.
 *
 * @param problem the anchor problem
 * @param c the parameters {@code (batch, n)}
 * @param cotangent the cotangent {@code g = dL/dx* (batch, n)}
 */
public record AnchorSetup(BoxNonconvexQp problem, Tensor c, Tensor cotangent) {
    /** Tolerance of the forward solve: tight, so that the backward methods are compared at a fixed point. */
    public static final double FORWARD_TOLERANCE = 1e-13;
    /** Iteration budget of the forward solve. */
    public static final int FORWARD_MAX_ITERATIONS = 200_000;
    /** Iteration budget of the iterative backward methods: generous, LFPI (the slowest) needs about 1000. */
    public static final int BACKWARD_MAX_ITERATIONS = 20_000;

    /** @return the setup of dimension {@code n} and batch size {@code batch} from {@code seed} */
    public static AnchorSetup create(int n, int batch, long seed) {
        BoxNonconvexQp problem = BoxNonconvexQp.random(n, seed);
        return new AnchorSetup(problem, problem.randomParameters(batch, seed + 1),
                Tensor.randn(new SplittableRandom(seed + 2), batch, n));
    }

    /** @return the dimension {@code n} */
    public int n() {
        return c.dim(1);
    }

    /** @return the batch size */
    public int batch() {
        return c.dim(0);
    }

    /** @return the forward solver (accelerated PGD to {@link #FORWARD_TOLERANCE}) */
    public ForwardSolver solver() {
        return problem.solver(FORWARD_TOLERANCE, FORWARD_MAX_ITERATIONS);
    }

    /** @return the folded layer with {@link #solver()} as its forward solver */
    public FoldedLayer folded(BatchedLinearSolver method, double tolerance) {
        return folded(solver(), method, tolerance);
    }

    /**
     * @param forward the forward solver (e.g. one returning a solution computed beforehand)
     * @param method the backward method
     * @param tolerance the backward tolerance
     * @return the folded layer of the PGD step, flagging (not throwing on) unconverged instances
     */
    public FoldedLayer folded(ForwardSolver forward, BatchedLinearSolver method, double tolerance) {
        return new FoldedLayer(forward, problem.updateMap(), FoldOptions.defaults().withSolver(method)
                .withTolerance(tolerance).withMaxIterations(BACKWARD_MAX_ITERATIONS)
                .withOnFailure(FailurePolicy.FLAG));
    }

    /** @return the layer that unrolls {@code steps} PGD steps from {@code x = 0} */
    public UnrolledLayer unrolled(int steps) {
        int batch = batch();
        int n = n();
        return new UnrolledLayer(problem.updateMap(), params -> Tensor.zeros(batch, n), steps);
    }

    /**
     * @param x a layer's output for the parameters {@code c}
     * @param c the parameter node the layer was applied to
     * @return the gradient {@code (dx/dc)^T g} of the benchmark's cotangent
     */
    public Tensor gradient(Var x, Var c) {
        return Autodiff.vjp(new Var[] {x}, new Var[] {c}, new Tensor[] {cotangent})[0];
    }
}
