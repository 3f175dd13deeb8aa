package io.foldopt.nn.data;

import io.foldopt.sparse.CsrMatrix;
import io.foldopt.tensor.Tensor;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads and writes real matrices in the Matrix Market exchange format ({@code .mtx}).
 *
 * <p>Reading accepts the {@code coordinate} (sparse) and {@code array} (dense, column-major) formats with the fields
 * {@code real}, {@code integer} and {@code pattern} (every stored value 1; coordinate only) and the symmetries
 * {@code general}, {@code symmetric} and {@code skew-symmetric}; a symmetric file stores the lower triangle and its
 * mirror image is added (negated for skew-symmetric). Duplicate coordinate entries are summed. Writing produces
 * {@code coordinate real general} for a sparse matrix and {@code array real general} for a dense one, with values
 * printed exactly (shortest round-trip decimal form). A malformed file is an {@link IllegalArgumentException} whose
 * one-line message names the source, the line number and the problem.
 */
public final class MatrixMarket {
    private MatrixMarket() {}

    /** @return the sparse matrix stored in {@code file} (either format) */
    public static CsrMatrix read(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param source the name used in error messages
     * @return the sparse matrix read from {@code in} (either format; explicit entries of a coordinate file are kept
     *     even if zero, zeros of an array file are dropped)
     */
    public static CsrMatrix read(Reader in, String source) {
        Parser p = new Parser(in, source);
        try {
            return p.parse();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /** @return the matrix stored in {@code file} (either format) as a dense tensor {@code (m, n)} */
    public static Tensor readDense(Path file) {
        return read(file).toDense();
    }

    /** Writes {@code a} to {@code file} as {@code coordinate real general}, one line per stored entry. */
    public static void write(Path file, CsrMatrix a) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, a);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code a} to {@code out} as {@code coordinate real general}. */
    public static void write(Writer out, CsrMatrix a) throws IOException {
        int[] ptr = a.rowPointers();
        int[] col = a.columnIndices();
        double[] v = a.values().value().data();
        out.write("%%MatrixMarket matrix coordinate real general\n");
        out.write(a.rows() + " " + a.cols() + " " + a.nnz() + "\n");
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < a.rows(); i++) {
            for (int k = ptr[i]; k < ptr[i + 1]; k++) {
                line.setLength(0);
                line.append(i + 1).append(' ').append(col[k] + 1).append(' ').append(v[k]).append('\n');
                out.append(line);
            }
        }
        out.flush();
    }

    /** Writes a dense matrix {@code (m, n)} to {@code file} as {@code array real general} (column-major). */
    public static void writeDense(Path file, Tensor a) {
        if (a.rank() != 2) {
            throw new IllegalArgumentException("MatrixMarket.writeDense: needs a matrix (m, n), got shape "
                    + Arrays.toString(a.shape()));
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            int m = a.dim(0);
            int n = a.dim(1);
            out.write("%%MatrixMarket matrix array real general\n");
            out.write(m + " " + n + "\n");
            double[] d = a.data();
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    out.write(Double.toString(d[i * n + j]));
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A one-pass reader of one file, tracking the line number for error messages. */
    private static final class Parser {
        private final BufferedReader in;
        private final String source;
        private int lineNumber;
        private boolean coordinate;
        private boolean pattern;
        private int symmetry; // 0 general, 1 symmetric, -1 skew-symmetric

        Parser(Reader in, String source) {
            this.in = in instanceof BufferedReader b ? b : new BufferedReader(in);
            this.source = source;
        }

        CsrMatrix parse() throws IOException {
            header();
            String[] size = fields(nextDataLine("the size line"), coordinate ? 3 : 2,
                    coordinate ? "'rows columns entries'" : "'rows columns'");
            int m = nonNegative(size[0], "rows");
            int n = nonNegative(size[1], "columns");
            if (symmetry != 0 && m != n) {
                throw error("a " + (symmetry > 0 ? "symmetric" : "skew-symmetric") + " matrix must be square, got "
                        + m + " x " + n);
            }
            return coordinate ? coordinate(m, n, nonNegative(size[2], "entries")) : array(m, n);
        }

        private void header() throws IOException {
            String line = in.readLine();
            lineNumber++;
            if (line == null) {
                throw error("empty file, expected the header '%%MatrixMarket matrix coordinate real general'");
            }
            String[] h = line.trim().toLowerCase(Locale.ROOT).split("\\s+");
            if (h.length != 5 || !h[0].equals("%%matrixmarket") || !h[1].equals("matrix")) {
                throw error("expected the header '%%MatrixMarket matrix <format> <field> <symmetry>', got '"
                        + line.trim() + "'");
            }
            switch (h[2]) {
                case "coordinate" -> coordinate = true;
                case "array" -> coordinate = false;
                default -> throw error("unsupported format '" + h[2] + "' (coordinate or array)");
            }
            switch (h[3]) {
                case "real", "integer" -> pattern = false;
                case "pattern" -> pattern = true;
                default -> throw error("unsupported field '" + h[3] + "' (real, integer or pattern)");
            }
            if (pattern && !coordinate) {
                throw error("the pattern field needs the coordinate format");
            }
            switch (h[4]) {
                case "general" -> symmetry = 0;
                case "symmetric" -> symmetry = 1;
                case "skew-symmetric" -> symmetry = -1;
                default -> throw error("unsupported symmetry '" + h[4] + "' (general, symmetric or skew-symmetric)");
            }
        }

        private CsrMatrix coordinate(int m, int n, int entries) throws IOException {
            int capacity = symmetry == 0 ? entries : 2 * entries;
            int[] rows = new int[capacity];
            int[] cols = new int[capacity];
            double[] vals = new double[capacity];
            int count = 0;
            for (int e = 0; e < entries; e++) {
                String line = nextDataLine("entry " + (e + 1) + " of " + entries);
                String[] f = fields(line, pattern ? 2 : 3, pattern ? "'row column'" : "'row column value'");
                int i = index(f[0], "row", m);
                int j = index(f[1], "column", n);
                double v = pattern ? 1.0 : value(f[2]);
                if (symmetry != 0 && (j > i || symmetry < 0 && i == j)) {
                    throw error("entry (" + (i + 1) + ", " + (j + 1) + ") is not below the diagonal"
                            + (symmetry > 0 ? " or on it" : "") + ", as a " + (symmetry > 0 ? "symmetric"
                            : "skew-symmetric") + " file stores only the lower triangle");
                }
                rows[count] = i;
                cols[count] = j;
                vals[count++] = v;
                if (symmetry != 0 && i != j) {
                    rows[count] = j;
                    cols[count] = i;
                    vals[count++] = symmetry * v;
                }
            }
            requireEnd(entries + " entries");
            return CsrMatrix.fromTriplets(m, n, Arrays.copyOf(rows, count), Arrays.copyOf(cols, count),
                    Arrays.copyOf(vals, count));
        }

        private CsrMatrix array(int m, int n) throws IOException {
            double[] dense = new double[Math.multiplyExact(m, n)];
            for (int j = 0; j < n; j++) {
                int from = symmetry == 0 ? 0 : symmetry > 0 ? j : j + 1;
                for (int i = from; i < m; i++) {
                    double v = value(fields(nextDataLine("the value at (" + (i + 1) + ", " + (j + 1) + ")"), 1,
                            "'value'")[0]);
                    dense[i * n + j] = v;
                    if (symmetry != 0 && i != j) {
                        dense[j * n + i] = symmetry * v;
                    }
                }
            }
            requireEnd("the values of a " + m + " x " + n + " matrix");
            return CsrMatrix.fromDense(Tensor.wrap(dense, m, n));
        }

        /** @return the next line that is neither blank nor a comment */
        private String nextDataLine(String expected) throws IOException {
            String line;
            do {
                line = in.readLine();
                lineNumber++;
                if (line == null) {
                    throw error("end of file, expected " + expected);
                }
                line = line.trim();
            } while (line.isEmpty() || line.startsWith("%"));
            return line;
        }

        private void requireEnd(String declared) throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("%")) {
                    throw error("more data than the " + declared + " declared: '" + line + "'");
                }
            }
        }

        private String[] fields(String line, int count, String expected) {
            String[] f = line.split("\\s+");
            if (f.length != count) {
                throw error("expected " + count + " fields " + expected + ", got '" + line + "'");
            }
            return f;
        }

        private int nonNegative(String s, String what) {
            try {
                int v = Integer.parseInt(s);
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error("the number of " + what + " must be an integer >= 0, got '" + s + "'");
        }

        private int index(String s, String what, int limit) {
            int v;
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw error(what + " index '" + s + "' is not an integer");
            }
            if (v < 1 || v > limit) {
                throw error(what + " index " + v + " is outside 1.." + limit);
            }
            return v - 1;
        }

        private double value(String s) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.contains("nan") || lower.contains("inf")) {
                throw error("value " + s + " is not finite");
            }
            double v;
            try {
                v = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw error("value '" + s + "' is not a number");
            }
            if (!Double.isFinite(v)) {
                throw error("value " + s + " is not finite");
            }
            return v;
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(source + ":" + lineNumber + ": " + message);
        }
    }
}
