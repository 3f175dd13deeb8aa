package io.foldopt.bench;

import io.foldopt.autodiff.Var;
import io.foldopt.cli.bench.AnchorSetup;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The unrolling baseline on the anchor problem at {@code n = 100, batch = 32}: recording {@code K}
 * PGD steps from {@code x = 0} and backpropagating the cotangent through all of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class UnrolledBenchmark {
    /** Number of unrolled steps {@code K}. */
    @Param({"100", "1000"})
    public int steps;

    private AnchorSetup setup;
    private UnrolledLayer layer;

    /** Builds the problem and the unrolled layer. */
    @Setup
    public void build() {
        setup = Sizes.anchor("100:32");
        layer = setup.unrolled(steps);
    }

    /** @return the gradient with respect to {@code c} after the unrolled forward */
    @Benchmark
    public Tensor forwardBackward() {
        Var c = Var.param(setup.c());
        return setup.gradient(layer.apply(c), c);
    }
}
