package io.foldopt.nn.dfl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link Oracle} that remembers the decisions of the last {@code capacity} distinct cost vectors (least recently
 * used forgotten first): a cost vector bitwise equal to a remembered one gets its decision without a solve. Useful
 * where the same costs come back, such as the true costs of a training set every epoch. Thread-safe.
 */
public final class CachedOracle implements Oracle {
    private final Oracle oracle;
    private final int capacity;
    private final Map<VectorKey, double[]> cache;
    private long hits;
    private long misses;

    /**
     * @param oracle the oracle whose decisions are cached
     * @param capacity the number of cost vectors remembered, at least 1
     */
    public CachedOracle(Oracle oracle, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be >= 1, got " + capacity);
        }
        this.oracle = oracle;
        this.capacity = capacity;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<VectorKey, double[]> eldest) {
                return size() > CachedOracle.this.capacity;
            }
        };
    }

    @Override
    public int dimension() {
        return oracle.dimension();
    }

    @Override
    public long workPerSolve() {
        return oracle.workPerSolve();
    }

    /** @return the cached decision for {@code cost}, or the wrapped oracle's (then remembered) */
    @Override
    public double[] solve(double[] cost) {
        VectorKey key = new VectorKey(cost.clone());
        synchronized (cache) {
            double[] w = cache.get(key);
            if (w != null) {
                hits++;
                return w.clone();
            }
            misses++;
        }
        // Solved outside the lock: concurrent misses on the same costs solve twice and agree (oracles are
        // deterministic).
        double[] w = oracle.solve(cost);
        synchronized (cache) {
            cache.put(key, w.clone());
        }
        return w;
    }

    /** @return how many solves were answered from the cache */
    public long hits() {
        synchronized (cache) {
            return hits;
        }
    }

    /** @return how many solves went to the wrapped oracle */
    public long misses() {
        synchronized (cache) {
            return misses;
        }
    }
}
