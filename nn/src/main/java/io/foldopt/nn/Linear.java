package io.foldopt.nn;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The affine map {@code y = x W + b}, {@code x (B, in)}, {@code W (in, out)}, {@code b (out)},
 * {@code y (B, out)}.
 *
 * <p>Initialization: Kaiming (He) normal for ReLU networks, {@code W_ij ~ N(0, 2 / in)} (fan-in mode,
 * gain {@code √2}), so that {@code Var(y_j) ≈ 2 E[x_i^2]} keeps activations' scale through ReLU layers;
 * {@code b = 0}. Note that {@code W} is stored as {@code (in, out)}, the transpose of PyTorch's layout.
 */
public final class Linear implements Layer {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param in input features
     * @param out output features
     * @param rng the source of the initial weights (seed it for reproducibility)
     */
    public Linear(int in, int out, RandomGenerator rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear needs positive sizes, got " + in + " -> " + out);
        }
        this.in = in;
        this.out = out;
        double std = Math.sqrt(2.0 / in);
        this.weight = new Parameter("weight", Tensor.randn(rng, in, out).map(v -> std * v));
        this.bias = new Parameter("bias", Tensor.zeros(out));
    }

    /**
     * A layer with given parameters (e.g. read from a {@link ModelFile}).
     *
     * @param weight {@code W (in, out)}
     * @param bias {@code b (out)}
     */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || bias.rank() != 1 || bias.dim(0) != weight.dim(1)) {
            throw new IllegalArgumentException("Linear needs W (in, out) and b (out), got " + Arrays.toString(
                    weight.shape()) + " and " + Arrays.toString(bias.shape()));
        }
        this.in = weight.dim(0);
        this.out = weight.dim(1);
        this.weight = new Parameter("weight", weight);
        this.bias = new Parameter("bias", bias);
    }

    /** @return {@code x W + b} for any leading axes of {@code x} */
    public static Var affine(Var x, Var weight, Var bias) {
        return x.matmul(weight).add(bias);
    }

    @Override
    public Var forward(Var x) {
        if (x.rank() == 0 || x.dim(-1) != in) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + ") got input of shape "
                    + Arrays.toString(x.shape()));
        }
        return affine(x, weight.var(), bias.var());
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    /** @return {@code W (in, out)} */
    public Parameter weight() {
        return weight;
    }

    /** @return {@code b (out)} */
    public Parameter bias() {
        return bias;
    }
}
