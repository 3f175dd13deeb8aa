package io.foldopt.bench;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.OjAlgoQpSolver;
import io.foldopt.qp.QpBatch;
import io.foldopt.qp.QpBatchSolver;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.QpOutput;
import io.foldopt.qp.QpSolution;
import io.foldopt.qp.QpSolver;
import io.foldopt.qp.RandomQp;
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

/**
 * The differentiable QP at {@code n = 50} variables, {@code p = 10} equalities, {@code m = 20} inequalities,
 * batch 64, with per-instance data {@link RandomQp#feasible} ({@code q} scaled by 3: about half of the
 * inequalities are active at the solution).
 *
 * <ul>
 *   <li>{@code forwardSequential}: the 64 instances one after another on the calling thread (time / 64 is
 *       the cost of one instance);
 *   <li>{@code forwardBatch}: {@link QpBatchSolver} on all threads;
 *   <li>{@code layerForward}: {@link DifferentiableQp} with recording (adds the factorization of the
 *       active-set KKT matrices);
 *   <li>{@code backward}: the VJP of a recorded layer output to all six parameters (solves and outer products).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class QpBenchmark {
    private static final int N = 50;
    private static final int P = 10;
    private static final int M = 20;
    private static final int BATCH = 64;

    /** Forward solver: our interior-point method or ojAlgo's ConvexSolver. */
    @Param({"IPM", "OJALGO"})
    public String solver;

    private QpSolver qpSolver;
    private Tensor[] data;
    private QpBatch batch;
    private Var[] params;
    private Var output;
    private Tensor cotangent;

    /** Draws the batch, and records one layer output for the backward benchmark. */
    @Setup
    public void build() {
        qpSolver = solver.equals("IPM") ? new InteriorPointQpSolver() : new OjAlgoQpSolver();
        data = RandomQp.feasible(Sizes.SEED, BATCH, N, P, M, 3.0);
        batch = QpBatch.of(data[0], data[1], data[2], data[3], data[4], data[5]);
        params = new Var[data.length];
        for (int i = 0; i < data.length; i++) {
            params[i] = Var.param(data[i]);
        }
        output = layerForward().z();
        cotangent = Tensor.randn(new SplittableRandom(Sizes.SEED + 1), BATCH, N);
    }

    /** @return the last solution; the 64 instances solved on the calling thread */
    @Benchmark
    public QpSolution forwardSequential() {
        QpSolution last = null;
        for (int k = 0; k < BATCH; k++) {
            last = qpSolver.solve(batch.instance(k));
        }
        return last;
    }

    /** @return the solutions of the batch, solved in parallel */
    @Benchmark
    public QpSolution[] forwardBatch() {
        return QpBatchSolver.solve(qpSolver, batch);
    }

    /** @return the recorded layer outputs (forward solve plus factorization of the KKT systems) */
    @Benchmark
    public QpOutput layerForward() {
        return DifferentiableQp.solveWithMultipliers(params[0], params[1], params[2], params[3], params[4],
                params[5], QpOptions.defaults().withSolver(qpSolver));
    }

    /** @return the gradients of {@code <cotangent, z>} with respect to P, q, A, b, G, h */
    @Benchmark
    public Tensor[] backward() {
        return Autodiff.vjp(new Var[] {output}, params, new Tensor[] {cotangent});
    }
}
