package io.foldopt.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Minibatches of a dataset, epoch by epoch. Epoch {@code e} visits the samples in the order
 * {@code π_e} (a uniform random permutation when shuffling, the identity otherwise) and cuts it into
 * {@code ⌈N / B⌉} consecutive batches of {@code B} samples, the last one possibly smaller.
 *
 * <p>{@code π_e} is drawn by a Fisher-Yates shuffle from a generator seeded with
 * {@code splitmix64(seed + (e + 1) γ)} ({@code γ} the golden-ratio increment), so each epoch has its own
 * order and every order is a function of {@code (seed, e)} only: the same in every run, whatever other
 * epochs were drawn.
 */
public final class DataLoader {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;

    /**
     * @param dataset the samples
     * @param batchSize {@code B >= 1}
     * @param shuffle whether each epoch visits the samples in a random order
     * @param seed the seed of the orders
     */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /** @return the dataset */
    public Dataset dataset() {
        return dataset;
    }

    /** @return the number {@code ⌈N / B⌉} of batches per epoch */
    public int batchesPerEpoch() {
        return (dataset.size() + batchSize - 1) / batchSize;
    }

    /** @return the batches of epoch {@code epoch} (counted from 0), in order */
    public List<Dataset> epoch(int epoch) {
        int n = dataset.size();
        int[] order = order(epoch);
        List<Dataset> batches = new ArrayList<>(batchesPerEpoch());
        for (int from = 0; from < n; from += batchSize) {
            int[] rows = new int[Math.min(batchSize, n - from)];
            System.arraycopy(order, from, rows, 0, rows.length);
            batches.add(dataset.select(rows));
        }
        return batches;
    }

    /**
     * @return the order {@code π_e} in which epoch {@code epoch} (counted from 0) visits the samples: batch
     *     {@code b} holds samples {@code π_e[b B], ..., π_e[min((b + 1) B, N) - 1]}
     */
    public int[] order(int epoch) {
        return order(dataset.size(), shuffle, seed, epoch);
    }

    /**
     * @return the order {@code π_e} of epoch {@code epoch} of a loader over {@code size} samples with these
     *     {@code shuffle} and {@code seed} (see {@link #order(int)}), without the samples
     */
    public static int[] order(int size, boolean shuffle, long seed, int epoch) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(splitmix64(seed + (epoch + 1L) * GOLDEN_GAMMA));
            for (int i = size - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** The SplitMix64 finalizer: a bijective mix of all 64 bits. */
    private static long splitmix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
