package io.foldopt.experiments;

import java.util.function.Function;

/**
 * An experiment-specific setting (beyond {@link ExperimentConfig}'s common ones), such as the portfolio data's
 * polynomial degree: its name, what it sets, and how a textual value is read and checked. Its default for each
 * size is in {@link Experiment#defaults}'s {@link ExperimentConfig#settings()}.
 *
 * @param name the setting's name, e.g. {@code deg}
 * @param description what it sets and its allowed values, one line
 * @param parser reads a textual value; throws {@link IllegalArgumentException} saying what was expected
 */
public record Setting(String name, String description, Function<String, Object> parser) {

    /**
     * @return the value {@code text} stands for
     * @throws IllegalArgumentException if it is not an allowed value, with a message naming the setting
     */
    public Object parse(String text) {
        return parser.apply(text);
    }

    /** @return an integer setting whose values are {@code >= min} */
    public static Setting integer(String name, String description, int min) {
        return new Setting(name, description, text -> {
            try {
                int v = Integer.parseInt(text.trim());
                if (v >= min) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be an integer >= " + min + ", got '" + text + "'");
        });
    }
}
