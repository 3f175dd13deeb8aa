package io.foldopt.operator;

import io.foldopt.autodiff.Var;
import io.foldopt.parallel.Parallel;

/** {@code diag(w)} with weights {@code w (n)}, fixed or learned: {@code (K x)_j = w_j x_j}. */
final class Diagonal extends KernelOperator {
    Diagonal(Var weights) {
        super(length(weights), length(weights), weights);
    }

    private static int length(Var w) {
        if (w.rank() != 1) {
            throw new IllegalArgumentException("Operators.diagonal: weights must be a vector (n), got shape "
                    + java.util.Arrays.toString(w.shape()));
        }
        return w.dim(0);
    }

    @Override
    protected void forward(double[] p, double[] x, double[] out, int batch) {
        int n = cols();
        Parallel.forRanges(batch * n, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                out[t] = p[t % n] * x[t];
            }
        });
    }

    @Override
    protected void backward(double[] p, double[] y, double[] out, int batch) {
        forward(p, y, out, batch);
    }

    @Override
    protected void parameterGradient(double[] x, double[] y, double[] out, int batch) {
        int n = cols();
        Parallel.forRanges(n, 2L * batch, (lo, hi) -> {
            for (int b = 0; b < batch; b++) {
                for (int j = lo; j < hi; j++) {
                    out[j] += x[b * n + j] * y[b * n + j];
                }
            }
        });
    }

    @Override
    public String toString() {
        return "Diagonal(" + cols() + ")";
    }
}
