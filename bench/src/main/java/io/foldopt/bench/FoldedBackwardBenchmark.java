package io.foldopt.bench;

import io.foldopt.autodiff.Var;
import io.foldopt.cli.bench.AnchorSetup;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
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
 * The folded backward pass alone: the VJP {@code (d x* / d c)^T g} of the anchor problem for each
 * backward method. The forward problem is solved once per trial; each invocation records a fresh
 * layer output at that solution (not measured), so the measured time is the linear solve plus the
 * final VJP.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class FoldedBackwardBenchmark {
    /** Problem size {@code n:batch}. */
    @Param({"100:32", "500:64"})
    public String size;

    /** Backward method of the folded layer. */
    @Param({"LFPI", "GMRES", "BICGSTAB", "DIRECT"})
    public String method;

    private AnchorSetup setup;
    private FoldedLayer layer;
    private Var c;
    private Var x;

    /** Builds the problem and solves it once; the layer's forward solver returns that solution. */
    @Setup(Level.Trial)
    public void solveForward() {
        setup = Sizes.anchor(size);
        Tensor solution = setup.solver().solve(new Tensor[] {setup.c()});
        layer = setup.folded(params -> solution, BatchedLinearSolver.named(method), 1e-10);
    }

    /** Records the layer output (one update step at the stored solution) for the next backward. */
    @Setup(Level.Invocation)
    public void recordOutput() {
        c = Var.param(setup.c());
        x = layer.apply(c);
    }

    /** @return the gradient with respect to {@code c} */
    @Benchmark
    public Tensor backward() {
        return setup.gradient(x, c);
    }
}
