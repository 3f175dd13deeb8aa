package io.foldopt.cli.train;

import io.foldopt.autodiff.Var;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Linear;
import io.foldopt.nn.Sequential;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-column standardization {@code z_j = (v_j - mean_j) / scale_j} of a data matrix, with {@code scale_j} the
 * column's standard deviation (1 for a constant column), and its folding into a network's first and last linear
 * layers ({@link #fold}) so that the trained network maps raw features to costs on their own scale.
 */
final class Standardization {
    private final double[] mean;
    private final double[] scale;

    private Standardization(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /** @return the standardization of the columns of {@code x (N, k)} */
    static Standardization of(Tensor x) {
        int rows = x.dim(0);
        int k = x.dim(1);
        double[] d = x.data();
        double[] mean = new double[k];
        double[] scale = new double[k];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < k; j++) {
                mean[j] += d[i * k + j];
            }
        }
        for (int j = 0; j < k; j++) {
            mean[j] /= rows;
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < k; j++) {
                double e = d[i * k + j] - mean[j];
                scale[j] += e * e;
            }
        }
        for (int j = 0; j < k; j++) {
            double sd = Math.sqrt(scale[j] / rows);
            scale[j] = sd > 1e-12 * (1 + Math.abs(mean[j])) ? sd : 1;
        }
        return new Standardization(mean, scale);
    }

    /** @return {@code (x - mean) / scale} row by row */
    Tensor apply(Tensor x) {
        int k = mean.length;
        double[] d = x.data();
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (d[i] - mean[i % k]) / scale[i % k];
        }
        return Tensor.wrap(out, x.shape());
    }

    /** @return {@code z * scale + mean} row by row, recorded in the graph */
    Var restore(Var z) {
        int k = mean.length;
        return z.mul(Var.constant(Tensor.wrap(scale.clone(), 1, k))).add(Var.constant(Tensor.wrap(mean.clone(), 1, k)));
    }

    /**
     * @param net a sequence of layers whose first and last are {@link Linear} (one layer may be both)
     * @param in the standardization of its inputs
     * @param out the standardization of its targets
     * @return the network {@code x -> out.restore(net(in.apply(x)))}, the same layers with the first and last
     *     linear layers' weights and biases rescaled
     */
    static Sequential fold(Sequential net, Standardization in, Standardization out) {
        List<Layer> layers = new ArrayList<>(net.modules());
        if (layers.isEmpty() || !(layers.get(0) instanceof Linear) || !(layers.get(layers.size() - 1) instanceof Linear)) {
            throw new IllegalArgumentException("fold needs a network whose first and last layers are linear");
        }
        layers.set(0, in.foldInput((Linear) layers.get(0)));
        layers.set(layers.size() - 1, out.foldOutput((Linear) layers.get(layers.size() - 1)));
        return new Sequential(layers.toArray(Layer[]::new));
    }

    /** @return the layer {@code x -> layer((x - mean) / scale)}: {@code W' = diag(1/scale) W}, {@code b' = b - (mean/scale)' W} */
    private Linear foldInput(Linear layer) {
        Tensor w = layer.weight().value();
        int rows = w.dim(0);
        int cols = w.dim(1);
        double[] wd = w.data();
        double[] nw = new double[wd.length];
        double[] nb = layer.bias().value().data().clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                nw[i * cols + j] = wd[i * cols + j] / scale[i];
                nb[j] -= mean[i] / scale[i] * wd[i * cols + j];
            }
        }
        return new Linear(Tensor.wrap(nw, rows, cols), Tensor.wrap(nb, cols));
    }

    /** @return the layer {@code h -> layer(h) * scale + mean}: {@code W' = W diag(scale)}, {@code b' = b scale + mean} */
    private Linear foldOutput(Linear layer) {
        Tensor w = layer.weight().value();
        int rows = w.dim(0);
        int cols = w.dim(1);
        double[] wd = w.data();
        double[] nw = new double[wd.length];
        double[] b = layer.bias().value().data();
        double[] nb = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                nw[i * cols + j] = wd[i * cols + j] * scale[j];
            }
        }
        for (int j = 0; j < cols; j++) {
            nb[j] = b[j] * scale[j] + mean[j];
        }
        return new Linear(Tensor.wrap(nw, rows, cols), Tensor.wrap(nb, cols));
    }
}
