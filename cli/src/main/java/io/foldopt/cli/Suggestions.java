package io.foldopt.cli;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean": the known names close to a mistyped one (a typo or two, or a prefix). */
public final class Suggestions {
    private Suggestions() {}

    /**
     * @return the names within edit distance {@code max(1, length / 3)} of {@code typed} (insertions, deletions,
     *     substitutions and swaps of neighbours count one each), or starting with it, in the given order
     */
    public static List<String> similar(String typed, Collection<String> names) {
        String t = typed.toLowerCase(Locale.ROOT);
        int allowed = Math.max(1, t.length() / 3);
        return names.stream().filter(n -> (!t.isEmpty() && n.startsWith(t)) || distance(t, n) <= allowed).toList();
    }

    /** @return a " (did you mean a or b?)" suffix for a message, or "" if no name is close */
    public static String didYouMean(String typed, Collection<String> names) {
        List<String> close = similar(typed, names);
        return close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)";
    }

    /**
     * @return the one name closest to {@code typed} ignoring case, if its distance is smaller than the length of
     *     {@code typed} and at most {@code max(1, length / 3)} of the name: for short names such as matrix keys
     *     ({@code "g"} for {@code "G"}) where {@link #similar} would list them all
     */
    public static Optional<String> closest(String typed, Collection<String> names) {
        String t = typed.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = distance(t, name.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        boolean close = best != null && bestDistance < t.length() && bestDistance <= Math.max(1, best.length() / 3);
        return close ? Optional.of(best) : Optional.empty();
    }

    /** @return the optimal-string-alignment distance between {@code a} and {@code b} */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
