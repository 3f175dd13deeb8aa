package io.foldopt.bench;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.projection.Projections;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
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

/** Batched projections (batch 64, n = 500): the projection and one VJP through it. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ProjectionBenchmark {
    /** The set. */
    @Param({"box", "simplex", "capped-simplex", "l2-ball", "l1-ball"})
    public String set;

    private Tensor y;
    private Tensor g;

    /** Draws the points and the cotangent. */
    @Setup
    public void draw() {
        SplittableRandom rng = new SplittableRandom(Sizes.SEED);
        y = Tensor.randn(rng, 64, 500);
        g = Tensor.randn(rng, 64, 500);
    }

    private Var project(Var v) {
        return switch (set) {
            case "box" -> Projections.box(v, -0.5, 0.5);
            case "simplex" -> Projections.simplex(v);
            case "capped-simplex" -> Projections.cappedSimplex(v, 1.0, 20.0);
            case "l2-ball" -> Projections.l2Ball(v, 3.0);
            case "l1-ball" -> Projections.l1Ball(v, 5.0);
            default -> throw new IllegalArgumentException("unknown set " + set);
        };
    }

    /** @return the projection of the batch */
    @Benchmark
    public Tensor forward() {
        return project(Var.constant(y)).value();
    }

    /** @return the projection's VJP (including the projection itself) */
    @Benchmark
    public Tensor forwardAndVjp() {
        Var v = Var.param(y);
        return Autodiff.vjp(new Var[] {project(v)}, new Var[] {v}, new Tensor[] {g})[0];
    }
}
