package io.foldopt.cli.train;

import io.foldopt.cli.Suggestions;
import io.foldopt.nn.data.Csv;
import io.foldopt.sparse.CsrMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an LP or MIP in MPS format, free or fixed, into a {@link DecisionProblem} whose cost vector is the model's
 * prediction: the coefficients of the objective row in the file are checked and then ignored.
 *
 * <p>Sections: {@code NAME}, {@code OBJSENSE} ({@code MIN}/{@code MAX}, on the same or the next line),
 * {@code ROWS} ({@code N}, {@code L}, {@code G}, {@code E}; the first {@code N} row is the objective, other
 * {@code N} rows are dropped), {@code COLUMNS} (with {@code 'MARKER' 'INTORG'} ... {@code 'INTEND'} around integer
 * columns), {@code RHS}, {@code RANGES}, {@code BOUNDS} ({@code UP LO FX FR MI PL BV LI UI}) and {@code ENDATA}.
 * Defaults: bounds {@code [0, +inf)}, also for integer columns; a right side of 0; a value of magnitude at least
 * {@code 1e20} is infinite. A right side on the objective row (a constant) does not change decisions and is
 * ignored. Free format splits fields at blanks; fixed format cuts them at columns 2-3, 5-12, 15-22, 25-36,
 * 40-47 and 50-61, so names may hold spaces. {@link #read(Path)} tries free and then fixed format.
 *
 * <p>Strict: an unknown section or bound type, a name used before it is declared (with the closest known one),
 * a duplicate row or entry, a column split in two, a second RHS, RANGES or BOUNDS set, a malformed or non-finite
 * number, a negative {@code UP} bound on a column without a lower bound (readers disagree on its meaning) and a
 * missing {@code ENDATA} are errors naming the file and the line.
 */
public final class Mps {
    /** The two layouts of an MPS file. */
    public enum Format {
        /** Fields separated by blanks. */
        FREE,
        /** Fields at fixed character columns. */
        FIXED
    }

    private static final double INFINITE = 1e20;
    private static final List<String> SECTIONS = List.of("NAME", "OBJSENSE", "ROWS", "COLUMNS", "RHS", "RANGES",
            "BOUNDS", "ENDATA");
    private static final List<String> BOUND_TYPES = List.of("UP", "LO", "FX", "FR", "MI", "PL", "BV", "LI", "UI");
    private static final int[][] FIXED_FIELDS = {{1, 3}, {4, 12}, {14, 22}, {24, 36}, {39, 47}, {49, 61}};

    private Mps() {}

    /**
     * @return the problem in {@code path}, read as free MPS or, if that fails, as fixed MPS
     * @throws IllegalArgumentException with the error of the format that read further into the file
     */
    public static DecisionProblem read(Path path) {
        List<String> lines = lines(path);
        try {
            return new Parser(lines, path.toString(), Format.FREE).parse();
        } catch (MpsError free) {
            try {
                return new Parser(lines, path.toString(), Format.FIXED).parse();
            } catch (MpsError fixed) {
                throw fixed.line > free.line ? fixed : free;
            }
        }
    }

    /** @return the problem in {@code path}, read in the given format */
    public static DecisionProblem read(Path path, Format format) {
        return new Parser(lines(path), path.toString(), format).parse();
    }

    private static List<String> lines(Path path) {
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(path + ": is a directory, not an MPS file");
        }
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot be read: " + e.getMessage());
        }
    }

    /** A parse error with the line it occurred on (0 for the file as a whole). */
    private static final class MpsError extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final int line;

        MpsError(String message, int line) {
            super(message);
            this.line = line;
        }
    }

    /** One pass over the lines in one format. */
    private static final class Parser {
        private final List<String> lines;
        private final String source;
        private final Format format;
        private int lineNumber;
        private boolean maximize;
        private String objective;
        private final Set<String> freeRows = new HashSet<>();
        private final Map<String, Integer> rowIndex = new LinkedHashMap<>();
        private final List<Character> rowType = new ArrayList<>();
        private final Map<String, Integer> columnIndex = new LinkedHashMap<>();
        private final List<Boolean> integer = new ArrayList<>();
        private final List<int[]> entries = new ArrayList<>();
        private final List<Double> values = new ArrayList<>();
        private final Set<Long> seenEntries = new HashSet<>();
        private double[] rhs;
        private double[] range;
        private double[] lower;
        private double[] upper;
        private boolean[] lowerGiven;
        private final Map<String, String> setNames = new HashMap<>();
        private final Map<String, Set<Integer>> givenRows = new HashMap<>();

        Parser(List<String> lines, String source, Format format) {
            this.lines = lines;
            this.source = source;
            this.format = format;
        }

        DecisionProblem parse() {
            String section = null;
            boolean marked = false;
            boolean ended = false;
            boolean senseExpected = false;
            String lastColumn = null;
            int lastSection = -1;
            for (lineNumber = 1; lineNumber <= lines.size() && !ended; lineNumber++) {
                String line = lines.get(lineNumber - 1);
                if (line.isBlank() || line.startsWith("*") || line.startsWith("$")) {
                    continue;
                }
                if (!Character.isWhitespace(line.charAt(0))) {
                    String[] head = line.strip().split("\\s+");
                    section = head[0].toUpperCase(Locale.ROOT);
                    if (!SECTIONS.contains(section)) {
                        throw error("section " + head[0] + " is not supported"
                                + Suggestions.didYouMean(section, SECTIONS) + "; an MPS file here has the sections "
                                + String.join(", ", SECTIONS) + " (LP and MIP only)");
                    }
                    int order = SECTIONS.indexOf(section);
                    if (order <= lastSection) {
                        throw error("section " + section + (order == lastSection ? " appears twice" : " after "
                                + SECTIONS.get(lastSection) + "; the order is " + String.join(", ", SECTIONS)));
                    }
                    lastSection = order;
                    senseExpected = false;
                    switch (section) {
                        case "OBJSENSE" -> {
                            if (head.length > 1) {
                                sense(head[1]);
                            } else {
                                senseExpected = true;
                            }
                        }
                        case "RHS", "RANGES", "BOUNDS" -> startValues(section);
                        case "ENDATA" -> ended = true;
                        default -> { }
                    }
                    continue;
                }
                if (section == null || section.equals("NAME")) {
                    throw error("data before the first section: '" + line.strip() + "'");
                }
                switch (section) {
                    case "OBJSENSE" -> {
                        if (!senseExpected) {
                            throw error("OBJSENSE takes one line, MIN or MAX; got a second: '" + line.strip() + "'");
                        }
                        sense(line.strip());
                        senseExpected = false;
                    }
                    case "ROWS" -> row(fields(line, 2, 2, "'type name'"));
                    case "COLUMNS" -> {
                        String[] f = fields(line, 3, 5, "'column row value [row value]'");
                        if (isMarker(f)) {
                            marked = marker(f, marked);
                        } else {
                            lastColumn = column(f, marked, lastColumn);
                        }
                    }
                    case "RHS" -> pairs(fields(line, 2, 5, "'[set] row value [row value]'"), "RHS", rhs);
                    case "RANGES" -> pairs(fields(line, 2, 5, "'[set] row value [row value]'"), "RANGES", range);
                    case "BOUNDS" -> bound(line);
                    default -> throw error("unexpected data after ENDATA");
                }
            }
            if (!ended) {
                throw new MpsError(source + ": no ENDATA line; the file may be cut short", lines.size());
            }
            if (rhs == null) {
                startValues("RHS");
            }
            return build();
        }

        private void sense(String word) {
            switch (word.toUpperCase(Locale.ROOT)) {
                case "MIN", "MINIMIZE" -> maximize = false;
                case "MAX", "MAXIMIZE" -> maximize = true;
                default -> throw error("OBJSENSE must be MIN or MAX, got '" + word + "'");
            }
        }

        private void startValues(String section) {
            if (objective == null) {
                throw error(section + " before the ROWS section");
            }
            if (rhs == null) {
                rhs = new double[rowType.size()];
                range = new double[rowType.size()];
                Arrays.fill(range, Double.NaN);
                int n = columnIndex.size();
                lower = new double[n];
                upper = new double[n];
                Arrays.fill(upper, Double.POSITIVE_INFINITY);
                lowerGiven = new boolean[n];
            }
        }

        private void row(String[] f) {
            String type = f[0].toUpperCase(Locale.ROOT);
            String name = f[1];
            if (name.isEmpty()) {
                throw error("a row without a name");
            }
            if (rowIndex.containsKey(name) || name.equals(objective) || freeRows.contains(name)) {
                throw error("row " + name + " is declared twice");
            }
            switch (type) {
                case "N" -> {
                    if (objective == null) {
                        objective = name;
                    } else {
                        freeRows.add(name);
                    }
                }
                case "L", "G", "E" -> {
                    rowIndex.put(name, rowType.size());
                    rowType.add(type.charAt(0));
                }
                default -> throw error("row type '" + f[0] + "' of row " + name + " is not N, L, G or E");
            }
        }

        private boolean isMarker(String[] f) {
            return f.length >= 3 && f[1].equals("'MARKER'");
        }

        private boolean marker(String[] f, boolean marked) {
            String kind = format == Format.FIXED ? f[3] : f[2];
            if (kind.equals("'INTORG'") && !marked) {
                return true;
            }
            if (kind.equals("'INTEND'") && marked) {
                return false;
            }
            throw error("marker " + kind + (marked ? " inside an INTORG block; expected 'INTEND'"
                    : " outside an INTORG block; expected 'INTORG'"));
        }

        private String column(String[] f, boolean marked, String lastColumn) {
            if (objective == null) {
                throw error("COLUMNS before an objective row (an N row in ROWS)");
            }
            String name = f[0];
            if (name.isEmpty()) {
                throw error("an entry without a column name");
            }
            Integer j = columnIndex.get(name);
            if (j == null) {
                j = columnIndex.size();
                columnIndex.put(name, j);
                integer.add(marked);
            } else if (!name.equals(lastColumn)) {
                throw error("column " + name + " appears again after other columns; a column's entries must be"
                        + " together");
            }
            if (f.length % 2 == 0) {
                throw error("column " + name + ": a row name without a value");
            }
            for (int k = 1; k + 1 < f.length; k += 2) {
                String row = f[k];
                double v = number(f[k + 1], "coefficient of " + name + " in row " + row, false);
                if (row.equals(objective) || freeRows.contains(row)) {
                    continue;
                }
                int i = rowOf(row);
                if (!seenEntries.add(((long) i << 32) | j)) {
                    throw error("column " + name + " has two entries in row " + row);
                }
                entries.add(new int[] {i, j});
                values.add(v);
            }
            return name;
        }

        private int rowOf(String row) {
            Integer i = rowIndex.get(row);
            if (i == null) {
                List<String> known = new ArrayList<>(rowIndex.keySet());
                known.add(objective);
                throw error("row " + row + " is not declared in ROWS" + Suggestions.didYouMean(row, known));
            }
            return i;
        }

        /** Reads the entries of an RHS or RANGES line into {@code target}. */
        private void pairs(String[] f, String section, double[] target) {
            int first = format == Format.FIXED || f.length % 2 == 1 ? 1 : 0;
            sameSet(section, first == 1 ? f[0] : "");
            if ((f.length - first) % 2 != 0) {
                throw error(section + ": a row name without a value");
            }
            Set<Integer> given = givenRows.computeIfAbsent(section, k -> new HashSet<>());
            for (int k = first; k + 1 < f.length; k += 2) {
                String row = f[k];
                double v = number(f[k + 1], section + " value of row " + row, true);
                if (row.equals(objective) || freeRows.contains(row)) {
                    if (section.equals("RANGES")) {
                        throw error("RANGES on the free row " + row);
                    }
                    continue;
                }
                int i = rowOf(row);
                if (!given.add(i)) {
                    throw error(section + " gives row " + row + " twice");
                }
                target[i] = v;
            }
        }

        private void sameSet(String section, String set) {
            String before = setNames.putIfAbsent(section, set);
            if (before != null && !before.equals(set)) {
                throw error("a second " + section + " set '" + set + "' after '" + before + "'; foldopt reads one");
            }
        }

        private void bound(String line) {
            String type;
            String set;
            String col;
            String value;
            if (format == Format.FIXED) {
                String[] f = fields(line, 3, 4, "'type set column [value]'");
                type = f[0];
                set = f[1];
                col = f[2];
                value = f.length > 3 ? f[3] : "";
            } else {
                String[] f = fields(line, 2, 4, "'type [set] column [value]'");
                type = f[0];
                boolean valued = !Set.of("FR", "MI", "PL").contains(type.toUpperCase(Locale.ROOT));
                boolean optional = type.equalsIgnoreCase("BV");
                int withoutSet = valued && !optional ? 3 : 2;
                if (optional && f.length == 3) {
                    withoutSet = columnIndex.containsKey(f[1]) && !Double.isNaN(Csv.decimal(f[2])) ? 3 : 2;
                }
                boolean hasSet = f.length > withoutSet;
                set = hasSet ? f[1] : "";
                col = f[hasSet ? 2 : 1];
                value = f.length > (hasSet ? 3 : 2) ? f[hasSet ? 3 : 2] : "";
            }
            type = type.toUpperCase(Locale.ROOT);
            if (!BOUND_TYPES.contains(type)) {
                throw error("bound type '" + type + "' is not one of " + String.join(", ", BOUND_TYPES)
                        + (type.equals("SC") ? " (semi-continuous variables are not supported)" : ""));
            }
            sameSet("BOUNDS", set);
            Integer j = columnIndex.get(col);
            if (j == null) {
                throw error("bound on column " + col + ", which is not in COLUMNS"
                        + Suggestions.didYouMean(col, columnIndex.keySet()));
            }
            boolean needsValue = !Set.of("FR", "MI", "PL", "BV").contains(type);
            if (needsValue && value.isEmpty()) {
                throw error("bound " + type + " on column " + col + " needs a value");
            }
            double v = value.isEmpty() ? 1 : number(value, type + " bound of column " + col, true);
            switch (type) {
                case "UP", "UI" -> {
                    upper[j] = v;
                }
                case "LO", "LI" -> {
                    lower[j] = v;
                    lowerGiven[j] = true;
                }
                case "FX" -> {
                    lower[j] = v;
                    upper[j] = v;
                    lowerGiven[j] = true;
                }
                case "FR" -> {
                    lower[j] = Double.NEGATIVE_INFINITY;
                    upper[j] = Double.POSITIVE_INFINITY;
                    lowerGiven[j] = true;
                }
                case "MI" -> {
                    lower[j] = Double.NEGATIVE_INFINITY;
                    lowerGiven[j] = true;
                }
                case "PL" -> upper[j] = Double.POSITIVE_INFINITY;
                case "BV" -> {
                    if (v != 1 && !value.isEmpty()) {
                        throw error("BV bound of column " + col + " has value " + value + "; a binary bound takes"
                                + " no value or 1");
                    }
                    lower[j] = 0;
                    upper[j] = 1;
                    lowerGiven[j] = true;
                    integer.set(j, true);
                }
                default -> throw new IllegalStateException(type);
            }
            if (type.equals("UI") || type.equals("LI")) {
                integer.set(j, true);
            }
        }

        /** @return the line's fields: blank-separated (free) or cut at the fixed columns (fixed) */
        private String[] fields(String line, int min, int max, String expected) {
            String[] f;
            if (format == Format.FREE) {
                f = line.strip().split("\\s+");
            } else {
                List<String> cut = new ArrayList<>();
                for (int[] span : FIXED_FIELDS) {
                    if (span[0] >= line.length()) {
                        break;
                    }
                    cut.add(line.substring(span[0], Math.min(span[1], line.length())).strip());
                }
                if (line.length() > FIXED_FIELDS[FIXED_FIELDS.length - 1][1]
                        && !line.substring(FIXED_FIELDS[FIXED_FIELDS.length - 1][1]).isBlank()) {
                    throw error("text beyond column 61 in fixed format: '" + line.strip() + "'");
                }
                while (cut.size() > 1 && cut.get(cut.size() - 1).isEmpty()) {
                    cut.remove(cut.size() - 1);
                }
                f = cut.toArray(String[]::new);
                // field 1 (the type) exists only in ROWS and BOUNDS; other sections start at field 2
                if (f.length > 0 && f[0].isEmpty()) {
                    f = Arrays.copyOfRange(f, 1, f.length);
                }
            }
            if (f.length < min || f.length > max) {
                throw error("expected " + (min == max ? Integer.toString(min) : min + " to " + max) + " fields "
                        + expected + ", got " + f.length + ": '" + line.strip() + "'");
            }
            return f;
        }

        private double number(String text, String what, boolean mayBeInfinite) {
            double v = Csv.decimal(text);
            if (Double.isNaN(v)) {
                throw error(what + ": '" + text + "' is not a finite number");
            }
            if (Math.abs(v) >= INFINITE) {
                if (!mayBeInfinite) {
                    throw error(what + ": " + text + " is infinite (magnitude 1e20 or more)");
                }
                return v > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            }
            return v;
        }

        private DecisionProblem build() {
            int m = rowType.size();
            int n = columnIndex.size();
            if (n == 0) {
                throw new MpsError(source + ": no columns; the problem has no variables", lines.size());
            }
            double[] rowLower = new double[m];
            double[] rowUpper = new double[m];
            for (int i = 0; i < m; i++) {
                double b = rhs[i];
                double r = range[i];
                switch (rowType.get(i)) {
                    case 'L' -> {
                        rowLower[i] = Double.isNaN(r) ? Double.NEGATIVE_INFINITY : b - Math.abs(r);
                        rowUpper[i] = b;
                    }
                    case 'G' -> {
                        rowLower[i] = b;
                        rowUpper[i] = Double.isNaN(r) ? Double.POSITIVE_INFINITY : b + Math.abs(r);
                    }
                    default -> {
                        rowLower[i] = Double.isNaN(r) || r >= 0 ? b : b + r;
                        rowUpper[i] = Double.isNaN(r) || r <= 0 ? b : b + r;
                    }
                }
            }
            List<String> names = new ArrayList<>(columnIndex.keySet());
            boolean[] ints = new boolean[n];
            for (int j = 0; j < n; j++) {
                ints[j] = integer.get(j);
                if (upper[j] < 0 && !lowerGiven[j]) {
                    throw new MpsError(source + ": column " + names.get(j) + " has a negative upper bound "
                            + upper[j] + " and no lower bound; MPS readers disagree on what this means, so give an"
                            + " LO or MI bound too", lines.size());
                }
            }
            int[] r = new int[entries.size()];
            int[] c = new int[entries.size()];
            double[] v = new double[entries.size()];
            for (int k = 0; k < r.length; k++) {
                r[k] = entries.get(k)[0];
                c[k] = entries.get(k)[1];
                v[k] = values.get(k);
            }
            CsrMatrix a = CsrMatrix.fromTriplets(m, n, r, c, v);
            try {
                return new DecisionProblem(source, maximize, names, new ArrayList<>(rowIndex.keySet()), a, rowLower,
                        rowUpper, lower, upper, ints, null);
            } catch (IllegalArgumentException e) {
                throw new MpsError(e.getMessage(), lines.size());
            }
        }

        private MpsError error(String message) {
            return new MpsError(source + " line " + lineNumber + ": " + message, lineNumber);
        }
    }
}
