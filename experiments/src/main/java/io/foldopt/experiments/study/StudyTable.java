package io.foldopt.experiments.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A table of a study: named columns and rows of cells that are strings, integers, doubles or booleans. Written as
 * CSV (full precision) and shown as text (four significant digits).
 */
public final class StudyTable {
    private final String title;
    private final List<String> columns;
    private final List<Object[]> rows = new ArrayList<>();

    /** Creates an empty table with a title (one line saying what a row is) and these column names. */
    public StudyTable(String title, String... columns) {
        this.title = title;
        this.columns = List.of(columns);
    }

    /** @return the title: what a row is */
    public String title() {
        return title;
    }

    /**
     * Appends a row.
     *
     * @return this table
     * @throws IllegalArgumentException if the number of cells differs from the number of columns
     */
    public StudyTable add(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table has " + columns.size()
                    + " columns " + columns + ": " + Arrays.toString(cells));
        }
        rows.add(cells.clone());
        return this;
    }

    /** @return the column names */
    public List<String> columns() {
        return columns;
    }

    /** @return the rows, each a copy of its cells */
    public List<Object[]> rows() {
        return rows.stream().map(Object[]::clone).toList();
    }

    /** @return the header and one line per row, comma-separated, numbers at full precision, NaN as empty */
    public String csv() {
        StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
        for (Object[] row : rows) {
            sb.append(Arrays.stream(row).map(StudyTable::csvCell).collect(Collectors.joining(","))).append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes {@link #csv()} to {@code dir/fileName}, creating the folder if needed.
     *
     * @return the file written
     */
    public Path write(Path dir, String fileName) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(fileName), csv());
    }

    /** @return the cells of every row as text, numbers to four significant digits, {@code -} for NaN */
    public List<String[]> text() {
        return rows.stream().map(r -> Arrays.stream(r).map(StudyTable::textCell).toArray(String[]::new)).toList();
    }

    private static String csvCell(Object cell) {
        if (cell instanceof Double d) {
            return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.10g", d);
        }
        String s = String.valueOf(cell);
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static String textCell(Object cell) {
        if (cell instanceof Double d) {
            return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.4g", d);
        }
        return String.valueOf(cell);
    }
}
