package io.foldopt.algorithms;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Var;
import io.foldopt.operator.LinearOperator;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One step of {@link PrimalDualHybridGradient} recorded as a single operation with a fused first-order VJP.
 *
 * <p>With {@code v = x - tau K^T y}, {@code x+ = prox_{tau f}(v)}, {@code w = y + sigma K (2 x+ - x)},
 * {@code y+ = prox_{sigma g*}(w)} and the diagonal slopes {@code P = dx+/dv}, {@code Q = dy+/dw} (kept from the
 * forward pass), the VJP of the step for the cotangents {@code (a, b)} of {@code (x+, y+)} is
 *
 * <pre>
 *   q = Q b,   t = K^T q,   p = P (a + 2 sigma t),
 *   dL/dx = p - sigma t,   dL/dy = q - tau K p
 * </pre>
 *
 * two applications of {@code K}'s kernels and three elementwise passes, split over threads, into work arrays that
 * are reused from one call to the next (the backward solvers call it hundreds of times). The gradients of the
 * parameters of {@code f}, {@code K} and {@code g*}, needed once per backward pass, come from the step recorded
 * operation by operation at the same state.
 */
final class FusedStep {
    private static final String NAME = "PDHG step";

    private FusedStep() {}

    /**
     * @param s the state {@code (B, n + m)}
     * @param params the parameters of {@code f}, each {@code (B, n)}
     * @return {@code U(s; c)} recorded as one operation, or null if {@code f} or {@code g*} does not give the slopes
     *     of its prox
     */
    static Var record(PrimalDualHybridGradient alg, Var s, Var[] params) {
        int n = alg.primalDim();
        int dim = alg.stateDim();
        int m = dim - n;
        if (s.rank() != 2 || s.dim(1) != dim) {
            throw new IllegalArgumentException("PDHG: the state must have shape (B, " + dim + "), got "
                    + Arrays.toString(s.shape()));
        }
        int batch = s.dim(0);
        double[] state = s.value().data();
        double[] out = new double[batch * dim];
        double[] slopesF = new double[batch * n];
        double[] slopesG = new double[batch * m];
        PrimalDualHybridGradient.Work work = alg.new Work();
        double[] from = new double[dim];
        double[] to = new double[dim];
        for (int b = 0; b < batch; b++) {
            double[][] c = new double[params.length][];
            for (int i = 0; i < params.length; i++) {
                c[i] = Arrays.copyOfRange(params[i].value().data(), b * n, (b + 1) * n);
            }
            System.arraycopy(state, b * dim, from, 0, dim);
            alg.step(from, to, c, work);
            double[] pf = alg.primalTerm().proxSlopes(work.v, alg.primalStep(), c);
            double[] pg = alg.dualProx().slopes(work.w, alg.dualStep());
            if (pf == null || pg == null) {
                return null;
            }
            System.arraycopy(pf, 0, slopesF, b * n, n);
            System.arraycopy(pg, 0, slopesG, b * m, m);
            System.arraycopy(to, 0, out, b * dim, dim);
        }
        Var[] captured = alg.captured();
        Var[] inputs = new Var[1 + params.length + captured.length];
        inputs[0] = s;
        System.arraycopy(params, 0, inputs, 1, params.length);
        System.arraycopy(captured, 0, inputs, 1 + params.length, captured.length);
        Vjp vjp = new Vjp(alg.operator(), n, m, batch, alg.primalStep(), alg.dualStep(), slopesF, slopesG);
        Tensor value = s.value();
        return Operation.recordFirstOrder(NAME, new Tensor[] {Tensor.wrap(out, batch, dim)}, inputs,
                (g, needsGrad) -> {
                    Tensor[] grads = new Tensor[inputs.length];
                    if (needsGrad[0]) {
                        grads[0] = Tensor.wrap(vjp.apply(g[0].data()), batch, dim);
                    }
                    boolean others = false;
                    for (int i = 1; i < inputs.length; i++) {
                        others |= needsGrad[i];
                    }
                    if (others) {
                        Var[] rest = Arrays.copyOfRange(inputs, 1, inputs.length);
                        Tensor[] rg = GradMode.withGrad(() -> Autodiff.partialPlan(
                                new Var[] {alg.recordedStep(Var.constant(value), params)}, rest).apply(g[0]));
                        System.arraycopy(rg, 0, grads, 1, rest.length);
                    }
                    return grads;
                })[0];
    }

    /** The state part of the VJP (class comment), with its work arrays. */
    private static final class Vjp {
        private final LinearOperator k;
        private final int n;
        private final int m;
        private final int batch;
        private final double tau;
        private final double sigma;
        private final double[] slopesF;
        private final double[] slopesG;
        /** Work arrays {@code q, t, p, Kp}, taken by one call at a time (a concurrent call makes its own). */
        private final AtomicReference<double[][]> spare = new AtomicReference<>();

        Vjp(LinearOperator k, int n, int m, int batch, double tau, double sigma, double[] slopesF,
                double[] slopesG) {
            this.k = k;
            this.n = n;
            this.m = m;
            this.batch = batch;
            this.tau = tau;
            this.sigma = sigma;
            this.slopesF = slopesF;
            this.slopesG = slopesG;
        }

        /** @return {@code (dU/ds)^T g} for the cotangent {@code g (B, n + m)}, flat */
        double[] apply(double[] g) {
            double[][] work = spare.getAndSet(null);
            if (work == null) {
                work = new double[][] {new double[batch * m], new double[batch * n], new double[batch * n],
                    new double[batch * m]};
            }
            double[] q = work[0];
            double[] t = work[1];
            double[] p = work[2];
            double[] kp = work[3];
            int dim = n + m;
            double[] result = new double[batch * dim];
            for (int b = 0; b < batch; b++) {
                int qo = b * m;
                int go = b * dim + n;
                Parallel.forRanges(m, 2, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) {
                        q[qo + i] = slopesG[qo + i] * g[go + i];
                    }
                });
            }
            k.adjoint(q, batch, t);
            for (int b = 0; b < batch; b++) {
                int po = b * n;
                int go = b * dim;
                Parallel.forRanges(n, 6, (lo, hi) -> {
                    for (int j = lo; j < hi; j++) {
                        double tj = t[po + j];
                        double pj = slopesF[po + j] * (g[go + j] + 2 * sigma * tj);
                        p[po + j] = pj;
                        result[go + j] = pj - sigma * tj;
                    }
                });
            }
            k.apply(p, batch, kp);
            for (int b = 0; b < batch; b++) {
                int qo = b * m;
                int go = b * dim + n;
                Parallel.forRanges(m, 3, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) {
                        result[go + i] = q[qo + i] - tau * kp[qo + i];
                    }
                });
            }
            spare.set(work);
            return result;
        }
    }
}
