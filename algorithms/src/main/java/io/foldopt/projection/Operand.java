package io.foldopt.projection;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Shapes;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.DoublePredicate;

/**
 * A parameter of a projection, broadcast against a batch {@code (B, w)} without copies: element
 * {@code (b, j)} is read through strides (0 along a shared axis), and a gradient {@code (B, w)} is summed
 * back to the parameter's shape.
 *
 * <p>A per-coordinate parameter ({@link #perCoordinate}) has shape {@code []}, {@code [1]}, {@code [w]},
 * {@code [1, w]}, {@code [B, 1]} or {@code [B, w]}; a per-instance scalar ({@link #perInstance}) has shape
 * {@code []}, {@code [1]}, {@code [B]} or {@code [B, 1]} ({@code [B]} is read as the column {@code [B, 1]}).
 */
final class Operand {
    private final String projection;
    private final String name;
    private final int[] shape;
    private final int batch;
    private final int width;
    /** True for a per-instance scalar of shape {@code [B]}, which broadcasts as {@code [B, 1]}. */
    private final boolean column;
    private final double[] data;
    private final int rowStride;
    private final int colStride;

    private Operand(String projection, String name, Var v, int batch, int width, boolean column, int rows,
            int cols) {
        this.projection = projection;
        this.name = name;
        this.shape = v.shape();
        this.batch = batch;
        this.width = width;
        this.column = column;
        this.data = v.value().data();
        this.rowStride = rows == 1 ? 0 : cols;
        this.colStride = cols == 1 ? 0 : 1;
    }

    /**
     * @return the parameter {@code v} with one value per coordinate of a batch {@code (batch, width)}
     * @throws IllegalArgumentException naming the projection and the parameter if the shape does not fit
     */
    static Operand perCoordinate(String projection, String name, Var v, int batch, int width) {
        int[] s = v.shape();
        int rows = s.length == 2 ? s[0] : 1;
        int cols = s.length == 0 ? 1 : s[s.length - 1];
        if (s.length > 2 || rows != 1 && rows != batch || cols != 1 && cols != width) {
            throw new IllegalArgumentException(projection + ": " + name + " has shape " + Arrays.toString(s)
                    + "; expected [], [" + width + "], [" + batch + ", " + width + "] or another shape that"
                    + " broadcasts to [" + batch + ", " + width + "]");
        }
        return new Operand(projection, name, v, batch, width, false, rows, cols);
    }

    /**
     * @return the parameter {@code v} with one value per instance of a batch of size {@code batch}
     * @throws IllegalArgumentException naming the projection and the parameter if the shape does not fit
     */
    static Operand perInstance(String projection, String name, Var v, int batch) {
        int[] s = v.shape();
        boolean ok = s.length == 0 || s.length == 1 && (s[0] == 1 || s[0] == batch)
                || s.length == 2 && (s[0] == 1 || s[0] == batch) && s[1] == 1;
        if (!ok) {
            throw new IllegalArgumentException(projection + ": " + name + " has shape " + Arrays.toString(s)
                    + "; expected [], [1], [" + batch + "] or [" + batch + ", 1] (one value per instance)");
        }
        int rows = s.length == 0 ? 1 : s[0];
        return new Operand(projection, name, v, batch, 1, s.length == 1 && rows != 1, rows, 1);
    }

    /** @return element {@code (b, j)} of the broadcast parameter */
    double get(int b, int j) {
        return data[b * rowStride + j * colStride];
    }

    /** @return the value of instance {@code b} of a per-instance scalar */
    double get(int b) {
        return data[b * rowStride];
    }

    /** @return the number of instances with values of their own: {@code B}, or 1 if all share one */
    int rows() {
        return rowStride == 0 ? 1 : batch;
    }

    /**
     * @throws IllegalArgumentException naming the projection, the parameter, the value and where it is, if an
     *     element fails {@code ok}
     */
    void require(DoublePredicate ok, String requirement) {
        int cols = colStride == 0 ? 1 : width;
        for (int b = 0; b < rows(); b++) {
            for (int j = 0; j < cols; j++) {
                double v = get(b, j);
                if (!ok.test(v)) {
                    throw new IllegalArgumentException(projection + ": " + name + " = " + v + where(b, j)
                            + " must be " + requirement);
                }
            }
        }
    }

    /** @return " in instance b" and " at coordinate j", each only where the parameter varies along that axis */
    String where(int b, int j) {
        return inInstance(b) + (colStride == 0 ? "" : " at coordinate " + j);
    }

    /** @return " in instance b", or "" if all instances share the parameter */
    String inInstance(int b) {
        return rowStride == 0 ? "" : " in instance " + b;
    }

    /** @return the gradient {@code grad (B, w)} of the broadcast parameter summed to the parameter's shape */
    Tensor reduce(double[] grad) {
        if (column) {
            return Tensor.wrap(grad, batch);
        }
        return Shapes.sumTo(Tensor.wrap(grad, batch, width), shape);
    }

    /** @return {@code v} (a stand-in for this parameter) shaped to broadcast against {@code (B, w)} */
    Var broadcastable(Var v) {
        return column ? v.reshape(batch, 1) : v;
    }
}
