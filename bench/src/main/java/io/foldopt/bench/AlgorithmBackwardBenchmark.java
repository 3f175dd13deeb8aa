package io.foldopt.bench;

import io.foldopt.algorithms.DualProximalGradient;
import io.foldopt.algorithms.EntropicMirrorDescent;
import io.foldopt.algorithms.FoldableAlgorithm;
import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.algorithms.ProximalGradient;
import io.foldopt.algorithms.SmoothObjective;
import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.projection.Projections;
import io.foldopt.prox.ProximalOperator;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One folded backward pass (GMRES to 1e-10) per foldable algorithm, at n = 100, batch 32: PGD on the
 * simplex, proximal gradient for the lasso and dual proximal gradient for 1-D total variation on
 * {@code f = 1/2 x^T Q x + c^T x}, and entropic mirror descent on {@code f + 1/2 sum x log x} (whose
 * solution is interior, as mirror descent's fixed-point map needs). The forward problem is solved once;
 * each invocation records a fresh layer output (not measured).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class AlgorithmBackwardBenchmark {
    private static final int N = 100;
    private static final int B = 32;

    /** The algorithm. */
    @Param({"pgd-simplex", "prox-lasso", "dpg-tv", "mirror-descent"})
    public String algorithm;

    private FoldableAlgorithm alg;
    private FoldedLayer layer;
    private Tensor params;
    private Tensor cotangent;
    private Var c;
    private Var x;

    /** Builds the problem and solves it once. */
    @Setup(Level.Trial)
    public void solveForward() {
        SplittableRandom rng = new SplittableRandom(Sizes.SEED);
        Tensor m = Tensor.randn(rng, N, N);
        Tensor q = Tensor.wrap(Kernels.gemm(m.transpose().data(), 0, m.data(), 0, 1, N, N, N), N, N)
                .map(v -> v / N);
        Var qv = Var.constant(q);
        SmoothObjective quadratic = (xv, p) -> xv.matmul(qv).mul(xv).sum(-1).mul(0.5).add(xv.mul(p[0]).sum(-1));
        double step = 0.2;
        alg = switch (algorithm) {
            case "pgd-simplex" -> new ProjectedGradient(N, quadratic, Projections::simplex, step);
            case "prox-lasso" -> new ProximalGradient(N, quadratic, ProximalOperator.l1(Var.scalar(0.5)), step);
            case "dpg-tv" -> new DualProximalGradient(Var.constant(differences(N)), Var.scalar(0.5));
            case "mirror-descent" -> new EntropicMirrorDescent(N,
                    (xv, p) -> quadratic.value(xv, p).add(xv.mul(xv.log()).sum(-1).mul(0.5)), 0.5);
            default -> throw new IllegalArgumentException("unknown algorithm " + algorithm);
        };
        params = Tensor.randn(rng, B, N);
        cotangent = Tensor.randn(rng, B, N);
        Tensor state = alg.solver(1e-12, 1_000_000).solve(new Tensor[] {params});
        layer = new FoldedLayer(p -> state, alg.updateMap(),
                FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES).withMaxIterations(20_000));
    }

    /** The first-difference operator {@code (n - 1) x n}: {@code (D x)_i = x_{i+1} - x_i}. */
    private static Tensor differences(int n) {
        double[] d = new double[(n - 1) * n];
        for (int i = 0; i < n - 1; i++) {
            d[i * n + i] = -1;
            d[i * n + i + 1] = 1;
        }
        return Tensor.wrap(d, n - 1, n);
    }

    /** Records the layer output for the next backward. */
    @Setup(Level.Invocation)
    public void recordOutput() {
        c = Var.param(params);
        x = alg.output(layer.apply(c));
    }

    /** @return the gradient with respect to the parameters */
    @Benchmark
    public Tensor backward() {
        return Autodiff.vjp(new Var[] {x}, new Var[] {c}, new Tensor[] {cotangent})[0];
    }
}
