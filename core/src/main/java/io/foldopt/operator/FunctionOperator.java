package io.foldopt.operator;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/** A user's linear map given by a forward and an adjoint function on batches; see {@link Operators#of}. */
final class FunctionOperator extends KernelOperator {
    private final UnaryOperator<Tensor> forward;
    private final UnaryOperator<Tensor> adjoint;

    FunctionOperator(int rows, int cols, UnaryOperator<Tensor> forward, UnaryOperator<Tensor> adjoint) {
        super(rows, cols, null);
        this.forward = forward;
        this.adjoint = adjoint;
    }

    @Override
    protected void forward(double[] p, double[] x, double[] out, int batch) {
        run("forward", forward, x, cols(), out, rows(), batch);
    }

    @Override
    protected void backward(double[] p, double[] y, double[] out, int batch) {
        run("adjoint", adjoint, y, rows(), out, cols(), batch);
    }

    private void run(String which, UnaryOperator<Tensor> f, double[] in, int inDim, double[] out, int outDim,
            int batch) {
        Tensor r = f.apply(Tensor.wrap(in, batch, inDim));
        if (r == null || !Arrays.equals(r.shape(), new int[] {batch, outDim})) {
            throw new IllegalStateException(this + ": the " + which + " function returned shape "
                    + (r == null ? "null" : Arrays.toString(r.shape())) + " for an operand (" + batch + ", " + inDim
                    + "), expected (" + batch + ", " + outDim + ")");
        }
        System.arraycopy(r.data(), 0, out, 0, out.length);
    }

    @Override
    public String toString() {
        return "Operators.of(" + rows() + " x " + cols() + ")";
    }
}
