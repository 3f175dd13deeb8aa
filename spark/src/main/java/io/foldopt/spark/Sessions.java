package io.foldopt.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Spark sessions for foldopt's jobs. Under {@code spark-submit} the session takes the submitted master and
 * settings; otherwise it runs Spark embedded in this JVM ({@code local[*]} unless a master is given), bound to
 * {@code 127.0.0.1}, without the web UI. Column names are case-sensitive: the instance tables have {@code q} and
 * {@code Q}, {@code g} and {@code G} ({@link InstanceSchema}).
 */
public final class Sessions {
    private Sessions() {}

    /**
     * @param master the master URL ({@code local[2]}, {@code spark://host:7077}, ...), or null for the submitted
     *     one and {@code local[*]} when there is none
     * @param shufflePartitions the number of partitions of shuffles
     * @return the session
     */
    public static SparkSession get(String master, int shufflePartitions) {
        SparkConf submitted = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName("foldopt")
                .config("spark.sql.shuffle.partitions", shufflePartitions)
                .config("spark.sql.caseSensitive", true);
        if (master != null || !submitted.contains("spark.master")) {
            builder.master(master == null ? "local[*]" : master)
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", false);
        }
        return builder.getOrCreate();
    }
}
