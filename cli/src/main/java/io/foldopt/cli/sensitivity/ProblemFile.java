package io.foldopt.cli.sensitivity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A JSON object read from a file, with typed accessors whose errors name the file, the key and what
 * is wrong with it.
 */
public final class ProblemFile {
    private final String name;
    private final JsonNode root;

    private ProblemFile(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    /**
     * @return the parsed file
     * @throws IllegalArgumentException if it cannot be read, is not JSON or not a JSON object
     */
    public static ProblemFile read(Path path) {
        String name = path.getFileName().toString();
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(path));
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(name + ": expected a JSON object");
            }
            return new ProblemFile(name, root);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": no such file");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot be read: " + e.getMessage());
        }
    }

    /** @return whether the key is present (and not null) */
    public boolean has(String key) {
        return root.hasNonNull(key);
    }

    /** @return the string at {@code key} */
    public String string(String key) {
        JsonNode v = required(key);
        if (!v.isTextual()) {
            throw error(key, "must be a string");
        }
        return v.asText();
    }

    /** @return the finite number at {@code key} */
    public double number(String key) {
        JsonNode v = required(key);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw error(key, "must be a finite number");
        }
        return v.asDouble();
    }

    /** @return the integer at {@code key} */
    public int integer(String key) {
        JsonNode v = required(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error(key, "must be an integer");
        }
        return v.asInt();
    }

    /** @return the vector at {@code key}, shape {@code (n)} */
    public Tensor vector(String key) {
        JsonNode v = required(key);
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "must be a non-empty list of numbers");
        }
        return Tensor.wrap(numbers(key, v, -1), v.size());
    }

    /** @return the matrix at {@code key}, shape {@code (rows, cols)} */
    public Tensor matrix(String key) {
        JsonNode v = required(key);
        if (!v.isArray() || v.isEmpty() || !v.get(0).isArray() || v.get(0).isEmpty()) {
            throw error(key, "must be a non-empty list of non-empty lists of numbers (a matrix)");
        }
        int rows = v.size();
        int cols = v.get(0).size();
        double[] d = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            JsonNode row = v.get(i);
            if (!row.isArray() || row.size() != cols) {
                throw error(key, "row " + i + " has " + (row.isArray() ? row.size() + " entries" : "no list")
                        + ", row 0 has " + cols);
            }
            System.arraycopy(numbers(key, row, i), 0, d, i * cols, cols);
        }
        return Tensor.wrap(d, rows, cols);
    }

    private double[] numbers(String key, JsonNode list, int row) {
        double[] d = new double[list.size()];
        for (int j = 0; j < d.length; j++) {
            JsonNode e = list.get(j);
            if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
                throw error(key, "entry " + (row >= 0 ? "[" + row + "][" + j + "]" : "[" + j + "]")
                        + " is not a finite number");
            }
            d[j] = e.asDouble();
        }
        return d;
    }

    private JsonNode required(String key) {
        if (!has(key)) {
            throw error(key, "is missing");
        }
        return root.get(key);
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
