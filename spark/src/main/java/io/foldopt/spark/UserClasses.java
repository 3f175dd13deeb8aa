package io.foldopt.spark;

import java.lang.reflect.InvocationTargetException;

/**
 * The user's classes named on the command line as {@code class:NAME} (a {@link FoldableFamily} of {@code spark
 * solve --family}, a {@link TrainingTask} of {@code spark train --task}): loaded by the thread's context class loader
 * and instantiated by their public no-argument constructor.
 */
final class UserClasses {
    /** The prefix of a class named on the command line. */
    static final String PREFIX = "class:";

    private UserClasses() {}

    /**
     * @param spec {@code class:} and the binary name of a class implementing {@code type}
     * @return a new instance of the class
     * @throws IllegalArgumentException naming the class and what is wrong: not {@code class:NAME}, not found, not a
     *     {@code type}, no public no-argument constructor, or its constructor failed
     */
    static <T> T load(String spec, Class<T> type) {
        if (!spec.startsWith(PREFIX) || spec.length() == PREFIX.length()) {
            throw new IllegalArgumentException("expected class:NAME, the binary name of a class implementing "
                    + type.getName() + ", got \"" + spec + "\"");
        }
        String name = spec.substring(PREFIX.length());
        Class<?> loaded;
        try {
            loaded = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("class " + name + " cannot be loaded (" + e + "); put its jar on the "
                    + "classpath (FOLDOPT_SPARK_CLASSPATH, or --jars of spark-submit)");
        }
        if (!type.isAssignableFrom(loaded)) {
            throw new IllegalArgumentException("class " + name + " does not implement " + type.getName());
        }
        try {
            return type.cast(loaded.getConstructor().newInstance());
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw new IllegalArgumentException("class " + name + " needs a public no-argument constructor (" + e + ")");
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("class " + name + ": its constructor failed: " + e.getCause());
        }
    }
}
