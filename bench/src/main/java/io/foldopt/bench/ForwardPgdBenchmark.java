package io.foldopt.bench;

import io.foldopt.cli.bench.AnchorSetup;
import io.foldopt.fold.ForwardSolver;
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

/** The forward solve of the anchor problem: accelerated PGD to {@link AnchorSetup#FORWARD_TOLERANCE}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class ForwardPgdBenchmark {
    /** Problem size {@code n:batch}. */
    @Param({"100:32", "500:64"})
    public String size;

    private AnchorSetup setup;
    private ForwardSolver solver;

    /** Builds the problem and its solver. */
    @Setup
    public void build() {
        setup = Sizes.anchor(size);
        solver = setup.solver();
    }

    /** @return the solutions {@code (batch, n)} */
    @Benchmark
    public Tensor solve() {
        return solver.solve(new Tensor[] {setup.c()});
    }
}
