package io.foldopt.spark;

import io.foldopt.algorithms.FoldableAlgorithm;
import io.foldopt.fold.FoldOptions;
import java.io.Serializable;
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
        FoldableFamily family = UserClasses.load(spec, FoldableFamily.class);
        if (family.name() == null || family.name().isEmpty() || reserved.contains(family.name())) {
            throw new IllegalArgumentException("family " + spec + " has the name \"" + family.name()
                    + "\"; a family needs a name other than " + reserved);
        }
        return family;
    }
}
