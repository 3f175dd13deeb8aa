package io.foldopt.cli;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for a misspelled name: the closest valid name by edit distance, ignoring case. */
public final class Suggestions {
    private Suggestions() {}

    /**
     * @param given the name given
     * @param valid the valid names
     * @return the valid name with the fewest single-character insertions, deletions and substitutions from
     *     {@code given} (ignoring case), if that is fewer than the length of {@code given} and at most a third of
     *     the valid name's length (one edit is always allowed)
     */
    public static Optional<String> closest(String given, Collection<String> valid) {
        String a = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : valid) {
            int d = distance(a, name.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        boolean close = best != null && bestDistance < given.length() && bestDistance <= Math.max(1, best.length() / 3);
        return close ? Optional.of(best) : Optional.empty();
    }

    /** @return the Levenshtein distance between {@code a} and {@code b} */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
