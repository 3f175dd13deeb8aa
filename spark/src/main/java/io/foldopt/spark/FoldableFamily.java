package io.foldopt.spark;

import io.foldopt.algorithms.FoldableAlgorithm;
import io.foldopt.fold.FoldOptions;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.util.Set;

/**
 * A user's problem family for {@code spark solve}: rows of parameter vectors {@code c} (column {@code c}), each
 * solved by the folded layer {@code x*(c)} of a {@link FoldableAlgorithm} and, given a cotangent {@code g}
 * (column {@code g}), differentiated: {@code (d x* / d c)^T g} by folding the algorithm's update map. Rows with
 * parameter vectors of the same length {@code p} are solved as one batch: the parameters are stacked into
 * {@code c (B, p)}, the one parameter of the layer of {@link #algorithm}{@code (p)}.
 *
 * <p>Spark ships the family to the executors, so an implementation must be serializable (all its fields); under
 * {@code spark-submit} its class travels with {@code --jars}. {@link #load} instantiates a family named on the
 * command line ({@code --family class:com.example.MyFamily}) by its public no-argument constructor.
 */
public interface FoldableFamily extends Serializable {
    /** The prefix of a family named by its class on the command line. */
    String CLASS_PREFIX = "class:";

    /** @return the name rows give in their {@code family} column; the results carry it too */
    String name();

    /**
     * @param length the length {@code p} of the rows' parameter vectors
     * @return the algorithm whose folded layer solves rows with {@code p} parameters; its update map and forward
     *     solver take the one parameter {@code c (B, p)}
     * @throws IllegalArgumentException if the family has no problem with {@code p} parameters (such rows get the
     *     status {@code invalid-input} with this message)
     */
    FoldableAlgorithm algorithm(int length);

    /**
     * @return the folded layer's settings (backward solver and tolerances, forward stopping rule, fixed-point
     *     tolerance); {@code spark solve} always flags failures ({@code FailurePolicy.FLAG}) and never warm starts,
     *     so that a row's numbers do not depend on the rows solved before it. Default: {@link FoldOptions#defaults()}
     */
    default FoldOptions options() {
        return FoldOptions.defaults();
    }

    /**
     * @param spec {@code class:} and the binary name of a class implementing this interface with a public
     *     no-argument constructor, found by the thread's context class loader
     * @param reserved names the family must not have (the built-in families')
     * @return a new instance of the class
     * @throws IllegalArgumentException naming the class and what is wrong: not {@code class:NAME}, not found, not a
     *     {@code FoldableFamily}, no public no-argument constructor, its constructor failed, or a reserved name
     */
    static FoldableFamily load(String spec, Set<String> reserved) {
        if (!spec.startsWith(CLASS_PREFIX) || spec.length() == CLASS_PREFIX.length()) {
            throw new IllegalArgumentException("a family is named class:NAME (the binary name of a class implementing "
                    + FoldableFamily.class.getName() + "), got \"" + spec + "\"");
        }
        String name = spec.substring(CLASS_PREFIX.length());
        Class<?> type;
        try {
            type = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("family class " + name + " cannot be loaded (" + e
                    + "); put its jar on the classpath (FOLDOPT_SPARK_CLASSPATH, or --jars of spark-submit)");
        }
        if (!FoldableFamily.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("family class " + name + " does not implement "
                    + FoldableFamily.class.getName());
        }
        FoldableFamily family;
        try {
            family = (FoldableFamily) type.getConstructor().newInstance();
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw new IllegalArgumentException("family class " + name + " needs a public no-argument constructor (" + e
                    + ")");
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("family class " + name + ": its constructor failed: " + e.getCause());
        }
        if (family.name() == null || family.name().isEmpty() || reserved.contains(family.name())) {
            throw new IllegalArgumentException("family class " + name + " has the name \"" + family.name()
                    + "\"; a family needs a name other than " + reserved);
        }
        return family;
    }
}
