package io.foldopt.bench;

import io.foldopt.cli.bench.AnchorSetup;

/** Parses the {@code "n:batch"} size parameters of the benchmarks into their (seeded) setups. */
final class Sizes {
    /** Seed of every benchmark setup. */
    static final long SEED = 0;

    private Sizes() {}

    /** @return the anchor setup of size {@code "n:batch"} from {@link #SEED} */
    static AnchorSetup anchor(String size) {
        String[] parts = size.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("size must be n:batch, got '" + size + "'");
        }
        return AnchorSetup.create(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), SEED);
    }
}
