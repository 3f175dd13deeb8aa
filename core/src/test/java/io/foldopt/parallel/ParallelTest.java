package io.foldopt.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Range loops cover every iteration exactly once. */
class ParallelTest {
    @Test
    void forRangesCoversEachIterationOnce() {
        for (int count : new int[] {0, 1, 7, 1000, 100_003}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(count);
            Parallel.forRanges(count, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < count; i++) {
                assertEquals(1, hits.get(i), "iteration " + i + " of " + count);
            }
        }
    }
}
