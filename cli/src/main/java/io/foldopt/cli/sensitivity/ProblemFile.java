package io.foldopt.cli.sensitivity;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.foldopt.cli.MemoryBudget;
import io.foldopt.cli.Suggestions;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * A JSON object read strictly from a file, with typed accessors whose errors name the file, the key and what
 * is wrong with it. Strict: the file is one JSON object and nothing after it, no key appears twice, and
 * {@link #allowOnly} rejects keys outside a list, suggesting the closest valid one. {@code NaN} and
 * {@code Infinity} are read as numbers so that the error names their key and index.
 */
public final class ProblemFile {
    /** Memory to parse a file, in bytes per byte of JSON text: the tree of numbers and the lists holding them. */
    static final int PARSE_BYTES_PER_FILE_BYTE = 6;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final String name;
    private final JsonNode root;

    private ProblemFile(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    /**
     * @return the parsed file
     * @throws IllegalArgumentException naming the file (and the line and column of a syntax error) if it cannot
     *     be read, is not one JSON object, repeats a key, or has content after the object
     */
    public static ProblemFile read(Path path) {
        String name = path.toString();
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(name + ": is a directory, not a JSON file");
        }
        try (InputStream in = Files.newInputStream(path); JsonParser parser = JSON.createParser(in)) {
            long size = Files.size(path);
            MemoryBudget.require("reading " + name + " (" + MemoryBudget.size(size) + ")",
                    MemoryBudget.times(size, PARSE_BYTES_PER_FILE_BYTE), 0, "split the problem or make it smaller");
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(name + ": expected a JSON object {...}"
                        + (parser.currentToken() == null ? ", the file is empty" : at(parser.currentLocation())));
            }
            JsonNode root = JSON.readTree(parser);
            JsonToken after;
            try {
                after = parser.nextToken();
            } catch (JsonParseException e) {
                after = JsonToken.NOT_AVAILABLE;
            }
            if (after != null) {
                throw new IllegalArgumentException(name + ": unexpected content after the JSON object"
                        + at(parser.currentLocation()) + "; a problem file is one JSON object");
            }
            return new ProblemFile(name, root);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(name + ": cannot be read: permission denied");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name + ": not valid JSON" + at(e.getLocation()) + ": "
                    + syntaxError(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot be read: " + e.getMessage());
        }
    }

    /** @return the Jackson message in the file's terms: a repeated key, or the parser's message */
    private static String syntaxError(String message) {
        String duplicate = "Duplicate field '";
        if (message.startsWith(duplicate)) {
            String key = message.substring(duplicate.length(), message.lastIndexOf('\''));
            return "key \"" + key + "\" appears twice; give each key once";
        }
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Rejects keys outside {@code valid}.
     *
     * @throws IllegalArgumentException naming the first unknown key, the closest valid key and all valid keys
     */
    public void allowOnly(Collection<String> valid) {
        Iterator<String> keys = root.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (!valid.contains(key)) {
                String hint = Suggestions.closest(key, valid).map(k -> "did you mean \"" + k + "\"? ").orElse("");
                throw error(key, "is not a key of this file; " + hint + "valid keys: " + String.join(", ", valid)
                        + " (keys are case-sensitive)");
            }
        }
    }

    /** @return whether the key is present (and not null) */
    public boolean has(String key) {
        return root.hasNonNull(key);
    }

    /** @return how many numbers the value at {@code key} holds (all rows of a matrix), 0 if absent, 1 if a scalar */
    public long count(String key) {
        if (!has(key)) {
            return 0;
        }
        JsonNode v = root.get(key);
        if (!v.isArray()) {
            return 1;
        }
        long total = 0;
        for (JsonNode e : v) {
            total += e.isArray() ? e.size() : 1;
        }
        return total;
    }

    /** @return the string at {@code key} */
    public String string(String key) {
        JsonNode v = required(key);
        if (!v.isTextual()) {
            throw error(key, "must be a string, got " + shortly(v));
        }
        return v.asText();
    }

    /** @return the finite number at {@code key} */
    public double number(String key) {
        JsonNode v = required(key);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw error(key, "must be a finite number, got " + shortly(v));
        }
        return v.asDouble();
    }

    /** @return the integer at {@code key} */
    public int integer(String key) {
        JsonNode v = required(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(key, "must be an integer, got " + shortly(v));
        }
        return v.asInt();
    }

    /** @return the vector at {@code key}, shape {@code (n)} */
    public Tensor vector(String key) {
        JsonNode v = required(key);
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "must be a non-empty list of numbers [..], got " + shortly(v));
        }
        return Tensor.wrap(numbers(key, v, -1), v.size());
    }

    /** @return the matrix at {@code key}, shape {@code (rows, cols)}, given as a list of rows */
    public Tensor matrix(String key) {
        JsonNode v = required(key);
        if (!v.isArray() || v.isEmpty() || !v.get(0).isArray() || v.get(0).isEmpty()) {
            throw error(key, "must be a matrix: a non-empty list of non-empty rows [[..], ..], got " + shortly(v));
        }
        int rows = v.size();
        int cols = v.get(0).size();
        MemoryBudget.require(name + ": key \"" + key + "\" (" + rows + " x " + cols + ")",
                MemoryBudget.times(8, MemoryBudget.times(rows, cols)), MemoryBudget.times(rows, cols),
                "make the problem smaller");
        double[] d = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            JsonNode row = v.get(i);
            if (!row.isArray() || row.size() != cols) {
                throw error(key, "row " + i + " has " + (row.isArray() ? row.size() + " entries" : "no list")
                        + ", row 0 has " + cols + "; every row must have " + cols);
            }
            System.arraycopy(numbers(key, row, i), 0, d, i * cols, cols);
        }
        return Tensor.wrap(d, rows, cols);
    }

    /** @return whether the value at {@code key} is a string */
    public boolean isString(String key) {
        return has(key) && root.get(key).isTextual();
    }

    /** @return whether the value at {@code key} is a number */
    public boolean isNumber(String key) {
        return has(key) && root.get(key).isNumber();
    }

    /** @return the non-empty list of strings at {@code key} */
    public List<String> strings(String key) {
        JsonNode v = required(key);
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "must be a non-empty list of strings [..], got " + shortly(v));
        }
        List<String> out = new ArrayList<>(v.size());
        for (int j = 0; j < v.size(); j++) {
            if (!v.get(j).isTextual()) {
                throw error(key, "entry [" + j + "] must be a string, got " + shortly(v.get(j)));
            }
            out.add(v.get(j).asText());
        }
        return out;
    }

    /** @return the list of integers at {@code key} (possibly empty) */
    public int[] integers(String key) {
        JsonNode v = required(key);
        if (!v.isArray()) {
            throw error(key, "must be a list of integers [..], got " + shortly(v));
        }
        int[] out = new int[v.size()];
        for (int j = 0; j < out.length; j++) {
            if (!v.get(j).isIntegralNumber() || !v.get(j).canConvertToInt()) {
                throw error(key, "entry [" + j + "] must be an integer, got " + shortly(v.get(j)));
            }
            out[j] = v.get(j).asInt();
        }
        return out;
    }

    /**
     * @param none the value of a {@code null} entry (no bound)
     * @return {@code n} bounds from the value at {@code key}: one number for all entries, or a list of {@code n}
     *     entries each a finite number or {@code null}
     */
    public double[] bounds(String key, int n, double none) {
        JsonNode v = required(key);
        double[] out = new double[n];
        if (v.isNumber()) {
            Arrays.fill(out, number(key));
            return out;
        }
        if (!v.isArray() || v.size() != n) {
            throw error(key, "must be a number or a list of " + n + " entries (numbers, or null for no bound), got "
                    + (v.isArray() ? v.size() + " entries" : shortly(v)));
        }
        for (int j = 0; j < n; j++) {
            JsonNode e = v.get(j);
            if (e.isNull()) {
                out[j] = none;
            } else if (e.isNumber() && Double.isFinite(e.asDouble())) {
                out[j] = e.asDouble();
            } else {
                throw error(key, "entry [" + j + "] must be a finite number, or null for no bound, got " + shortly(e));
            }
        }
        return out;
    }

    private double[] numbers(String key, JsonNode list, int row) {
        double[] d = new double[list.size()];
        for (int j = 0; j < d.length; j++) {
            JsonNode e = list.get(j);
            if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
                throw error(key, "entry " + (row >= 0 ? "[" + row + "][" + j + "]" : "[" + j + "]")
                        + " must be a finite number, got " + shortly(e));
            }
            d[j] = e.asDouble();
        }
        return d;
    }

    private JsonNode required(String key) {
        if (!has(key)) {
            throw error(key, root.has(key) ? "is null; it needs a value" : "is missing");
        }
        return root.get(key);
    }

    /** @return the value as JSON text, cut to 40 characters */
    private static String shortly(JsonNode v) {
        String text = v.isNumber() && !Double.isFinite(v.asDouble()) ? Double.toString(v.asDouble()) : v.toString();
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /** @return an error naming the file */
    public IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException(name + ": " + problem);
    }

    /** @return an error naming the file and the key */
    public IllegalArgumentException error(String key, String problem) {
        return new IllegalArgumentException(name + ": key \"" + key + "\" " + problem);
    }
}
