package io.foldopt.cli;

import java.util.Locale;

/**
 * Refuses, before allocating anything, a request whose estimated memory exceeds the Java heap, or whose arrays
 * would be longer than a Java array can be. Sizes are computed in {@code long} arithmetic by the callers.
 */
public final class MemoryBudget {
    /** The longest {@code double[]} the JVM allocates. */
    public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private MemoryBudget() {}

    /**
     * @param what what would be computed, e.g. {@code "the Jacobian of x (n = 1000) ..."}
     * @param bytes the estimated peak memory of computing it
     * @param longestArray the length of the longest array it needs
     * @param alternatives what the user can do instead, e.g. {@code "pass --cotangent G.json"}
     * @throws IllegalArgumentException with the estimate, the heap size and the alternatives if the request does
     *     not fit
     */
    public static void require(String what, long bytes, long longestArray, String alternatives) {
        long heap = Runtime.getRuntime().maxMemory();
        if (longestArray > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException(what + " needs an array of " + count(longestArray)
                    + " entries, more than a Java array holds (" + count(MAX_ARRAY_LENGTH) + "); " + alternatives);
        }
        if (bytes < 0 || bytes > heap) {
            throw new IllegalArgumentException(what + " needs about " + size(bytes) + " of memory, more than the "
                    + size(heap) + " of Java heap; " + alternatives
                    + ", or give Java more memory (e.g. JAVA_TOOL_OPTIONS=-Xmx16g) if the machine has it");
        }
    }

    /** @return {@code a * b} for non-negative counts, or {@link Long#MAX_VALUE} when that overflows */
    public static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }

    /** @return {@code a + b} for non-negative counts, or {@link Long#MAX_VALUE} when that overflows */
    public static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** @return a byte count in GB or MB, e.g. {@code 8.0 GB} */
    public static String size(long bytes) {
        return bytes < 0 || bytes == Long.MAX_VALUE ? "more than 9 EB"
                : bytes >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.0f MB", Math.ceil(bytes / 1e6));
    }

    private static String count(long n) {
        return n == Long.MAX_VALUE ? "more than 9.2e18" : String.format(Locale.ROOT, "%,d", n);
    }
}
