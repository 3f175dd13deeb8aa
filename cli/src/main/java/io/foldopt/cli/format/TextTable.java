package io.foldopt.cli.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with aligned columns: the first column left-aligned, the others
 * right-aligned, separated by two spaces.
 */
public final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    /** Creates an empty table with the given column names. */
    public TextTable(String... header) {
        this.header = header.clone();
    }

    /**
     * Appends a row.
     *
     * @return this table
     * @throws IllegalArgumentException if the number of cells differs from the number of columns
     */
    public TextTable add(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table has "
                    + header.length + " columns: " + Arrays.toString(cells));
        }
        rows.add(cells.clone());
        return this;
    }

    /** @return the header and the rows, one line each, every line ending with a newline */
    public String render() {
        int[] width = new int[header.length];
        List<String[]> lines = new ArrayList<>();
        lines.add(header);
        lines.addAll(rows);
        for (String[] line : lines) {
            for (int j = 0; j < line.length; j++) {
                width[j] = Math.max(width[j], line[j].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] line : lines) {
            for (int j = 0; j < line.length; j++) {
                String pad = " ".repeat(width[j] - line[j].length());
                sb.append(j == 0 ? line[j] + pad : "  " + pad + line[j]);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
