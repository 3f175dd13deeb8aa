package io.foldopt.nn.dfl;

import java.util.Arrays;

/** A vector as a hash key, compared bitwise ({@link Arrays#equals(double[], double[])}); the caller owns no copy. */
record VectorKey(double[] values) {
    @Override
    public boolean equals(Object o) {
        return o instanceof VectorKey k && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
