package io.foldopt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Coverage, alignment, determinism and reshuffling of minibatches. */
class DataLoaderTest {
    private static final int N = 23;

    /** Sample i: features (i, 10 i), target (-i), so every row tells which sample it is. */
    private static Dataset indexed() {
        double[] x = new double[2 * N];
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = -i;
        }
        return new Dataset(Tensor.wrap(x, N, 2), Tensor.wrap(y, N, 1));
    }

    /** @return the sample ids of an epoch, in visiting order, after checking the rows are aligned */
    private static int[] order(List<Dataset> batches) {
        return batches.stream().flatMapToInt(b -> {
            int[] ids = new int[b.size()];
            for (int r = 0; r < b.size(); r++) {
                ids[r] = (int) b.features().get(r, 0);
                assertEquals(10.0 * ids[r], b.features().get(r, 1));
                assertEquals(-ids[r], b.targets().get(r, 0));
            }
            return Arrays.stream(ids);
        }).toArray();
    }

    @Test
    void everySampleOnceEveryEpochWithTheLastBatchPartial() {
        DataLoader loader = new DataLoader(indexed(), 5, true, 17);
        assertEquals(5, loader.batchesPerEpoch());
        for (int e = 0; e < 4; e++) {
            List<Dataset> batches = loader.epoch(e);
            assertArrayEquals(new int[] {5, 5, 5, 5, 3}, batches.stream().mapToInt(Dataset::size).toArray());
            int[] ids = order(batches);
            Arrays.sort(ids);
            for (int i = 0; i < N; i++) {
                assertEquals(i, ids[i]);
            }
        }
    }

    @Test
    void sameSeedSameOrdersEpochsAndSeedsDiffer() {
        DataLoader a = new DataLoader(indexed(), 4, true, 17);
        DataLoader b = new DataLoader(indexed(), 4, true, 17);
        DataLoader c = new DataLoader(indexed(), 4, true, 18);
        // Epoch orders do not depend on which epochs were drawn before.
        int[] a2 = order(a.epoch(2));
        assertArrayEquals(order(b.epoch(0)), order(a.epoch(0)));
        assertArrayEquals(a2, order(b.epoch(2)));
        assertFalse(Arrays.equals(order(a.epoch(0)), order(a.epoch(1))));
        assertFalse(Arrays.equals(order(a.epoch(0)), order(c.epoch(0))));
    }

    @Test
    void withoutShufflingTheOrderIsTheDatasetOrder() {
        DataLoader loader = new DataLoader(indexed(), 10, false, 17);
        int[] identity = new int[N];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, order(loader.epoch(0)));
        assertArrayEquals(identity, order(loader.epoch(3)));
    }
}
