package io.foldopt.cli.train;

import io.foldopt.nn.Mlp;
import io.foldopt.nn.Sequential;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The architecture of a cost model, from its command-line form: {@code linear} ({@code c = x W + b}) or
 * {@code mlp:H1,H2,...} (hidden layers of widths {@code H1, H2, ...} with ReLU activations and a linear output).
 *
 * @param hidden the widths of the hidden layers (none for {@code linear})
 */
public record ModelSpec(int[] hidden) {
    /** The largest hidden width accepted. */
    static final int MAX_WIDTH = 1 << 16;

    /** Copies the widths. */
    public ModelSpec {
        hidden = hidden.clone();
    }

    /**
     * @param text {@code linear} or {@code mlp:H1,H2,...} with positive widths
     * @return the architecture
     * @throws IllegalArgumentException saying what is expected
     */
    public static ModelSpec parse(String text) {
        String t = text.strip();
        if (t.equals("linear")) {
            return new ModelSpec(new int[0]);
        }
        String expected = "expected 'linear' or 'mlp:' and hidden layer widths such as 'mlp:64,64', got '" + text + "'";
        if (!t.startsWith("mlp:") || t.length() == 4) {
            throw new IllegalArgumentException(expected);
        }
        String[] parts = t.substring(4).split(",", -1);
        int[] widths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                widths[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(expected);
            }
            if (widths[i] < 1 || widths[i] > MAX_WIDTH) {
                throw new IllegalArgumentException("hidden layer widths must be from 1 to " + MAX_WIDTH + ", got "
                        + widths[i] + " in '" + text + "'");
            }
        }
        return new ModelSpec(widths);
    }

    /** @return the network {@code in -> hidden... -> out}, its weights drawn from {@code seed} */
    public Sequential build(int in, int out, long seed) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = in;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = out;
        return Mlp.of(sizes, false, 0, seed);
    }

    /** @return the command-line form */
    @Override
    public String toString() {
        return hidden.length == 0 ? "linear"
                : "mlp:" + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && Arrays.equals(hidden, m.hidden);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hidden);
    }
}
