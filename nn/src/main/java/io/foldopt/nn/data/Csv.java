package io.foldopt.nn.data;

import io.foldopt.tensor.Tensor;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads numeric columns of comma-separated files with a header row, and writes such files.
 *
 * <p>The first line names the columns; every other non-blank line is one sample with exactly as many fields. Fields
 * may be quoted ({@code "a, b"}, with {@code ""} for a quote inside). Only the columns asked for are parsed, so other
 * columns (an identifier, a date) may hold anything. A requested cell must be a decimal number such as {@code 3},
 * {@code -0.5}, {@code 1.2e-3} or {@code .5}, with optional spaces around it; anything else (an empty cell,
 * {@code NaN}, {@code inf}, {@code 0x10}, {@code 1,5}, a number that overflows) is an
 * {@link IllegalArgumentException} whose one-line message names the source, the line (the header is line 1) and the
 * column, e.g. {@code train.csv line 17, column c3: 'abc' is not a number}.
 */
public final class Csv {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private Csv() {}

    /** @return the column names of {@code file}'s header row, in order */
    public static List<String> header(Path file) {
        try (BufferedReader in = open(file)) {
            return new Parser(in, file.toString()).header();
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * @param columns the names of the columns to read, each in the header (a name may be repeated)
     * @return the matrix {@code (N, columns.size())} of the {@code N} samples' values of {@code columns}
     */
    public static Tensor read(Path file, List<String> columns) {
        try (BufferedReader in = open(file)) {
            return read(in, file.toString(), columns);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * @param source the name used in error messages
     * @param columns the names of the columns to read, each in the header
     * @return the matrix {@code (N, columns.size())} of the samples' values of {@code columns}
     */
    public static Tensor read(Reader in, String source, List<String> columns) {
        Parser p = new Parser(in instanceof BufferedReader b ? b : new BufferedReader(in), source);
        try {
            return p.values(columns);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the value of {@code text} if it is a decimal number ({@code [+-]digits[.digits][e[+-]digits]}, or
     *     starting with the point) that fits in a double, otherwise NaN
     */
    public static double decimal(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(text);
        return Double.isFinite(v) ? v : Double.NaN;
    }

    /**
     * Writes a header row and the rows of {@code values} ({@code (N, header.size())}), numbers in Java's shortest
     * round-trip form (reading the file back gives the same values); names with a comma or a quote are quoted.
     */
    public static void write(Path file, List<String> header, Tensor values) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, header, values);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a header row and the rows of {@code values} ({@code (N, header.size())}) to {@code out}. */
    public static void write(Writer out, List<String> header, Tensor values) throws IOException {
        if (values.rank() != 2 || values.dim(1) != header.size()) {
            throw new IllegalArgumentException("Csv.write: " + header.size() + " column names for values of shape "
                    + Arrays.toString(values.shape()));
        }
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < header.size(); j++) {
            line.append(j == 0 ? "" : ",").append(quote(header.get(j)));
        }
        out.write(line.append('\n').toString());
        double[] d = values.data();
        int k = header.size();
        for (int i = 0; i < values.dim(0); i++) {
            line.setLength(0);
            for (int j = 0; j < k; j++) {
                line.append(j == 0 ? "" : ",").append(d[i * k + j]);
            }
            out.write(line.append('\n').toString());
        }
        out.flush();
    }

    private static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.strip().equals(field)) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    private static BufferedReader open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + ": is a directory, not a CSV file");
        }
        return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    private static RuntimeException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new IllegalArgumentException(file + ": no such file");
        }
        return new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }

    /** A one-pass reader of one file, tracking the line number for error messages. */
    private static final class Parser {
        private final BufferedReader in;
        private final String source;
        private int lineNumber;
        private final List<String> fields = new ArrayList<>();

        Parser(BufferedReader in, String source) {
            this.in = in;
            this.source = source;
        }

        List<String> header() throws IOException {
            String line = in.readLine();
            lineNumber++;
            if (line == null || line.isBlank()) {
                throw new IllegalArgumentException(source + ": " + (line == null ? "empty file" : "line 1 is blank")
                        + "; the first line must name the columns, e.g. 'f1,f2,c1'");
            }
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            split(line);
            Map<String, Integer> seen = new HashMap<>();
            List<String> names = new ArrayList<>(fields.size());
            for (int j = 0; j < fields.size(); j++) {
                String name = fields.get(j).strip();
                if (name.isEmpty()) {
                    throw error(", header field " + (j + 1) + ": empty column name; every column needs a name");
                }
                Integer before = seen.put(name, j);
                if (before != null) {
                    throw error(", header: column '" + name + "' appears twice (fields " + (before + 1) + " and "
                            + (j + 1) + ")");
                }
                names.add(name);
            }
            return names;
        }

        Tensor values(List<String> columns) throws IOException {
            List<String> names = header();
            int[] index = new int[columns.size()];
            for (int k = 0; k < index.length; k++) {
                index[k] = names.indexOf(columns.get(k));
                if (index[k] < 0) {
                    throw new IllegalArgumentException(source + ": column '" + columns.get(k)
                            + "' is not in the header (" + String.join(",", names) + ")");
                }
            }
            int width = index.length;
            double[] data = new double[Math.max(16, width * 64)];
            int rows = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                split(line);
                if (fields.size() != names.size()) {
                    throw error(": " + fields.size() + " fields, the header has " + names.size());
                }
                if ((long) (rows + 1) * width > data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8, 2L * data.length + width));
                }
                for (int k = 0; k < width; k++) {
                    data[rows * width + k] = number(fields.get(index[k]), columns.get(k));
                }
                rows++;
            }
            if (rows == 0) {
                throw new IllegalArgumentException(source + ": no data rows after the header");
            }
            return Tensor.wrap(Arrays.copyOf(data, rows * width), rows, width);
        }

        /** Splits one line into {@link #fields}, undoing quotes. */
        private void split(String line) {
            fields.clear();
            StringBuilder field = new StringBuilder();
            int i = 0;
            int n = line.length();
            while (true) {
                field.setLength(0);
                int start = i;
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < n && line.charAt(i) == '"') {
                    i++;
                    while (true) {
                        if (i >= n) {
                            throw error(", field " + (fields.size() + 1) + ": a quote opened at character " + (start + 1)
                                    + " is not closed on this line");
                        }
                        char c = line.charAt(i++);
                        if (c == '"') {
                            if (i < n && line.charAt(i) == '"') {
                                field.append('"');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            field.append(c);
                        }
                    }
                    while (i < n && line.charAt(i) == ' ') {
                        i++;
                    }
                    if (i < n && line.charAt(i) != ',') {
                        throw error(", field " + (fields.size() + 1) + ": text after the closing quote");
                    }
                } else {
                    i = start;
                    while (i < n && line.charAt(i) != ',') {
                        field.append(line.charAt(i++));
                    }
                }
                fields.add(field.toString());
                if (i >= n) {
                    return;
                }
                i++; // the comma
            }
        }

        private double number(String cell, String column) {
            String s = cell.strip();
            if (s.isEmpty()) {
                throw error(", column " + column + ": the cell is empty; it needs a number");
            }
            double v = decimal(s);
            if (Double.isNaN(v)) {
                throw error(", column " + column + ": '" + cell + "' is not a number"
                        + (DECIMAL.matcher(s).matches() ? " (too large for a double)" : ""));
            }
            return v;
        }

        /** @param message the rest of the line after "SOURCE line N", starting with its separator */
        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(source + " line " + lineNumber + message);
        }
    }
}
