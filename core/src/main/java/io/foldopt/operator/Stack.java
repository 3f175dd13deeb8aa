package io.foldopt.operator;

import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.linalg.Vec;

/**
 * The vertical stack {@code [K_1; ...; K_k]} of operators with equal columns: {@code K x} is the concatenation of
 * the blocks {@code K_i x} (block {@code i} at offset {@code rows(K_1) + ... + rows(K_{i-1})}), and
 * {@code K^T y = sum_i K_i^T y_i}.
 */
final class Stack implements LinearOperator {
    private final LinearOperator[] blocks;
    private final int[] offsets;

    Stack(LinearOperator[] blocks) {
        OperandShapes.requireSameCols("Operators.stack", blocks);
        this.blocks = blocks.clone();
        offsets = new int[blocks.length + 1];
        for (int i = 0; i < blocks.length; i++) {
            offsets[i + 1] = offsets[i] + blocks[i].rows();
        }
    }

    @Override
    public int rows() {
        return offsets[blocks.length];
    }

    @Override
    public int cols() {
        return blocks[0].cols();
    }

    @Override
    public Var apply(Var x) {
        Var[] parts = new Var[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            parts[i] = blocks[i].apply(x);
        }
        return Structure.concat(parts);
    }

    @Override
    public Var adjoint(Var y) {
        OperandShapes.batchOf(this, "adjoint", y, rows());
        Var out = null;
        for (int i = 0; i < blocks.length; i++) {
            Var part = blocks[i].adjoint(Structure.slice(y, offsets[i], offsets[i + 1]));
            out = out == null ? part : out.add(part);
        }
        return out;
    }

    @Override
    public double[] apply(double[] x, int batch) {
        int m = rows();
        double[] out = new double[batch * m];
        for (int i = 0; i < blocks.length; i++) {
            double[] part = blocks[i].apply(x, batch);
            int w = offsets[i + 1] - offsets[i];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(part, b * w, out, b * m + offsets[i], w);
            }
        }
        return out;
    }

    @Override
    public double[] adjoint(double[] y, int batch) {
        int m = rows();
        OperandShapes.requireLength(this, "adjoint", y.length, batch, m);
        double[] out = new double[batch * cols()];
        for (int i = 0; i < blocks.length; i++) {
            int w = offsets[i + 1] - offsets[i];
            double[] part = new double[batch * w];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(y, b * m + offsets[i], part, b * w, w);
            }
            Vec.axpy(1, blocks[i].adjoint(part, batch), 0, out, 0, out.length);
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < blocks.length; i++) {
            s.append(i == 0 ? "" : "; ").append(blocks[i]);
        }
        return s.append(']').toString();
    }
}
