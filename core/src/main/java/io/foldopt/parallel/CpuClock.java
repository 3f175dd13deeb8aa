package io.foldopt.parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The CPU time of this process: the sum over all its threads (the caller, the parallel workers, the JIT compiler and
 * the garbage collector) of the time they ran on a core. On a machine shared with other work, differences of this
 * clock measure a computation's cost where wall-clock time measures the load.
 */
public final class CpuClock {
    private CpuClock() {}

    /**
     * @return the process's CPU time in nanoseconds (a clock with an arbitrary origin; resolution about 10 ms on
     *     Linux), or -1 if this JVM does not measure it
     */
    public static long processNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean bean ? bean.getProcessCpuTime() : -1;
    }

    /**
     * @param startNanos a reading of {@link #processNanos()}
     * @return the CPU seconds since that reading, or NaN if either reading is unavailable
     */
    public static double secondsSince(long startNanos) {
        long now = processNanos();
        return startNanos < 0 || now < 0 ? Double.NaN : (now - startNanos) * 1e-9;
    }
}
