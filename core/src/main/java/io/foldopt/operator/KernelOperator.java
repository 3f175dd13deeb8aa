package io.foldopt.operator;

import io.foldopt.autodiff.Var;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * A linear operator {@code K_p} given by raw kernels on flat row-major batches, optionally linear in a parameter
 * tensor {@code p} (the nonzero values of a sparse matrix, diagonal weights, convolution filters).
 *
 * <p>A subclass writes three kernels: {@link #forward} ({@code K_p x}), {@link #backward} ({@code K_p^T y}) and,
 * if it has parameters, {@link #parameterGradient} ({@code d <y, K_p x> / dp}). This class records them as three
 * graph operations whose VJPs are each other (for example the VJP of {@code K_p x} is {@code K_p^T g} for
 * {@code x} and {@code d <g, K_p x> / dp} for {@code p}), so the operator is differentiable to any order in its
 * operand and parameters. The parameters are a {@link Var}: a constant for a fixed operator, a parameter (or any
 * recorded node) for a learned one.
 */
public abstract class KernelOperator implements LinearOperator {
    private final int rows;
    private final int cols;
    private final Var params;

    /**
     * @param rows {@code m}
     * @param cols {@code n}
     * @param params the parameters {@code p}, or null for an operator without parameters
     */
    protected KernelOperator(int rows, int cols, Var params) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("operator dimensions must be >= 0, got " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.params = params;
    }

    /**
     * {@code out_b = K_p x_b} for {@code b < batch}.
     *
     * @param p the parameter values (null without parameters)
     * @param x {@code batch * n} values
     * @param out {@code batch * m} zeros, to fill (any values if {@link #writesEveryEntry})
     */
    protected abstract void forward(double[] p, double[] x, double[] out, int batch);

    /**
     * {@code out_b = K_p^T y_b} for {@code b < batch}.
     *
     * @param p the parameter values (null without parameters)
     * @param y {@code batch * m} values
     * @param out {@code batch * n} zeros, to fill (any values if {@link #writesEveryEntry})
     */
    protected abstract void backward(double[] p, double[] y, double[] out, int batch);

    /**
     * {@code out = d/dp sum_b <y_b, K_p x_b>}, which does not depend on {@code p} since {@code K_p} is linear in
     * {@code p}. Only called for an operator with parameters.
     *
     * @param x {@code batch * n} values
     * @param y {@code batch * m} values
     * @param out zeros shaped like the parameters, to fill
     */
    protected void parameterGradient(double[] x, double[] y, double[] out, int batch) {
        throw new UnsupportedOperationException(this + " has no parameters");
    }

    /**
     * @return whether {@link #forward} and {@link #backward} set every entry of their output, so that an output array
     *     given by the caller need not be zeroed first (false unless a subclass says so)
     */
    protected boolean writesEveryEntry() {
        return false;
    }

    /** @return the parameters {@code p} (null for an operator without parameters) */
    public Var parameters() {
        return params;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public Var apply(Var x) {
        return productOp(false, params, x);
    }

    @Override
    public Var adjoint(Var y) {
        return productOp(true, params, y);
    }

    @Override
    public double[] apply(double[] x, int batch) {
        OperandShapes.requireLength(this, "apply", x.length, batch, cols);
        double[] out = new double[batch * rows];
        forward(values(params), x, out, batch);
        return out;
    }

    @Override
    public double[] adjoint(double[] y, int batch) {
        OperandShapes.requireLength(this, "adjoint", y.length, batch, rows);
        double[] out = new double[batch * cols];
        backward(values(params), y, out, batch);
        return out;
    }

    @Override
    public void apply(double[] x, int batch, double[] out) {
        OperandShapes.requireLength(this, "apply", x.length, batch, cols);
        OperandShapes.requireLength(this, "apply", out.length, batch, rows);
        if (!writesEveryEntry()) {
            zero(out);
        }
        forward(values(params), x, out, batch);
    }

    @Override
    public void adjoint(double[] y, int batch, double[] out) {
        OperandShapes.requireLength(this, "adjoint", y.length, batch, rows);
        OperandShapes.requireLength(this, "adjoint", out.length, batch, cols);
        if (!writesEveryEntry()) {
            zero(out);
        }
        backward(values(params), y, out, batch);
    }

    /** Sets {@code out} to zeros, on several threads for long arrays. */
    private static void zero(double[] out) {
        Parallel.forRanges(out.length, 1, (lo, hi) -> Arrays.fill(out, lo, hi, 0.0));
    }

    /**
     * {@code K_p v} (or {@code K_p^T v} for the adjoint), recorded with operands {@code v} and {@code p}: its VJP is
     * the other product for {@code v} and {@code d <g, K_p v> / dp} (or {@code d <v, K_p g> / dp}) for {@code p}.
     */
    private Var productOp(boolean adjoint, Var p, Var v) {
        int in = adjoint ? rows : cols;
        int out = adjoint ? cols : rows;
        int batch = OperandShapes.batchOf(this, adjoint ? "adjoint" : "apply", v, in);
        double[] result = new double[batch * out];
        if (adjoint) {
            backward(values(p), v.value().data(), result, batch);
        } else {
            forward(values(p), v.value().data(), result, batch);
        }
        return Var.op(Tensor.wrap(result, resultShape(v, out)), operands(v, p), (i, g) -> i == 0
                ? productOp(!adjoint, p, g)
                : adjoint ? parameterGradientOp(g, v) : parameterGradientOp(v, g));
    }

    /**
     * {@code d <y, K_p x> / dp}, recorded with operands {@code x} and {@code y}; bilinear, so its VJP for a cotangent
     * {@code c} is {@code K_c^T y} for {@code x} and {@code K_c x} for {@code y}.
     */
    private Var parameterGradientOp(Var x, Var y) {
        int batch = OperandShapes.batchOf(this, "apply", x, cols);
        double[] out = new double[params.value().size()];
        parameterGradient(x.value().data(), y.value().data(), out, batch);
        return Var.op(Tensor.wrap(out, params.shape()), new Var[] {x, y},
                (i, c) -> i == 0 ? productOp(true, c, y) : productOp(false, c, x));
    }

    private Var[] operands(Var operand, Var p) {
        return p == null ? new Var[] {operand} : new Var[] {operand, p};
    }

    private static double[] values(Var p) {
        return p == null ? null : p.value().data();
    }

    private static int[] resultShape(Var x, int n) {
        int[] s = x.shape();
        s[s.length - 1] = n;
        return s;
    }
}
