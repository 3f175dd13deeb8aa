package io.foldopt.nn;

import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Trained models in a small JSON file: each model's architecture and parameter arrays, with string metadata
 * (what the models were trained on). Written and read without dependencies; doubles are written in Java's
 * shortest round-trip form, so reading gives the same values bit for bit.
 *
 * <p>Format (version 1), one JSON object with exactly these keys:
 *
 * <pre>
 * {
 *   "format": "foldopt-model", "version": 1,
 *   "metadata": {"experiment": "portfolio", ...},          string values only
 *   "models": [
 *     {"name": "folded-sqp",
 *      "layer": LAYER,
 *      "parameters": [{"name": "D", "shape": [23, 24], "data": [...]}]}   trained besides the layer; may be empty
 *   ]
 * }
 * </pre>
 *
 * where a {@code LAYER} is one of (arrays row-major)
 *
 * <ul>
 *   <li>{@code {"type": "sequential", "layers": [LAYER, ...]}} ({@link Sequential}; no layers is the identity);
 *   <li>{@code {"type": "linear", "in": I, "out": O, "weight": [I*O numbers, W (I, O)], "bias": [O numbers]}}
 *       ({@link Linear}, {@code y = x W + b});
 *   <li>{@code {"type": "relu"}} ({@link ReLU});
 *   <li>{@code {"type": "batchnorm1d", "features": F, "gamma": [F], "beta": [F], "running_mean": [F],
 *       "running_var": [F]}} ({@link BatchNorm1d});
 *   <li>{@code {"type": "dropout", "p": P, "seed": S}} ({@link Dropout});
 *   <li>{@code {"type": "scale-shift", "scale": A, "shift": B}} ({@link ScaleShift}).
 * </ul>
 *
 * Reading is strict: a missing, unknown or duplicate key, a wrong type, a wrong array length or a non-finite
 * number is an error that names the place, e.g. {@code models[0].layer.layers[2].weight: expected 80 numbers
 * (5 x 16), got 79}.
 */
public final class ModelFile {
    /** The value of the {@code format} key. */
    public static final String FORMAT = "foldopt-model";
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;

    private final Map<String, String> metadata;
    private final List<Model> models;

    /**
     * A named model: its layer and the parameters trained besides it.
     *
     * @param name the model's name, unique in a file
     * @param layer the network
     * @param parameters trainable tensors used besides the layer's (e.g. a learned operator), in order
     */
    public record Model(String name, Layer layer, List<Parameter> parameters) {
        /** Copies the parameter list. */
        public Model {
            parameters = List.copyOf(parameters);
        }
    }

    /**
     * @param metadata string entries describing the models (kept in order)
     * @param models the models, with distinct names
     */
    public ModelFile(Map<String, String> metadata, List<Model> models) {
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.models = List.copyOf(models);
        if (models.stream().map(Model::name).distinct().count() != models.size()) {
            throw new IllegalArgumentException("model names must be distinct, got "
                    + models.stream().map(Model::name).toList());
        }
    }

    /** @return the metadata, in order */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the models, in order */
    public List<Model> models() {
        return models;
    }

    /** @return the model called {@code name} */
    public Optional<Model> model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * Writes the file (replacing an existing one).
     *
     * @throws IllegalArgumentException if a layer type has no file form or a parameter is not finite
     */
    public void write(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /**
     * @return the file's JSON text
     * @throws IllegalArgumentException if a layer type has no file form or a parameter is not finite
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\n  \"format\": ").append(Json.quote(FORMAT))
                .append(",\n  \"version\": ").append(VERSION).append(",\n  \"metadata\": {");
        int k = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            sb.append(k++ == 0 ? "\n    " : ",\n    ").append(Json.quote(e.getKey())).append(": ")
                    .append(Json.quote(e.getValue()));
        }
        sb.append(metadata.isEmpty() ? "},\n  \"models\": [" : "\n  },\n  \"models\": [");
        for (int i = 0; i < models.size(); i++) {
            Model m = models.get(i);
            String path = "models[" + i + "]";
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(Json.quote(m.name()))
                    .append(",\n     \"layer\": ");
            writeLayer(sb, m.layer(), path + ".layer", "     ");
            sb.append(",\n     \"parameters\": [");
            for (int j = 0; j < m.parameters().size(); j++) {
                Parameter p = m.parameters().get(j);
                sb.append(j == 0 ? "\n       " : ",\n       ").append("{\"name\": ").append(Json.quote(p.name()))
                        .append(", \"shape\": ").append(Arrays.toString(p.value().shape())).append(", \"data\": ");
                numbers(sb, p.value().data(), path + ".parameters[" + j + "]");
                sb.append('}');
            }
            sb.append(m.parameters().isEmpty() ? "]}" : "\n     ]}");
        }
        return sb.append(models.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
    }

    private static void writeLayer(StringBuilder sb, Layer layer, String path, String indent) {
        if (layer instanceof Sequential s) {
            sb.append("{\"type\": \"sequential\", \"layers\": [");
            for (int i = 0; i < s.modules().size(); i++) {
                sb.append(i == 0 ? "\n" : ",\n").append(indent).append("  ");
                writeLayer(sb, s.modules().get(i), path + ".layers[" + i + "]", indent + "  ");
            }
            sb.append(s.modules().isEmpty() ? "]}" : "\n" + indent + "]}");
        } else if (layer instanceof Linear l) {
            int[] shape = l.weight().value().shape();
            sb.append("{\"type\": \"linear\", \"in\": ").append(shape[0]).append(", \"out\": ").append(shape[1])
                    .append(", \"weight\": ");
            numbers(sb, l.weight().value().data(), path + ".weight");
            sb.append(", \"bias\": ");
            numbers(sb, l.bias().value().data(), path + ".bias");
            sb.append('}');
        } else if (layer instanceof ReLU) {
            sb.append("{\"type\": \"relu\"}");
        } else if (layer instanceof BatchNorm1d b) {
            sb.append("{\"type\": \"batchnorm1d\", \"features\": ").append(b.gamma().value().size())
                    .append(", \"gamma\": ");
            numbers(sb, b.gamma().value().data(), path + ".gamma");
            sb.append(", \"beta\": ");
            numbers(sb, b.beta().value().data(), path + ".beta");
            sb.append(", \"running_mean\": ");
            numbers(sb, b.runningMean().data(), path + ".running_mean");
            sb.append(", \"running_var\": ");
            numbers(sb, b.runningVar().data(), path + ".running_var");
            sb.append('}');
        } else if (layer instanceof Dropout d) {
            sb.append("{\"type\": \"dropout\", \"p\": ").append(d.p()).append(", \"seed\": ").append(d.seed())
                    .append('}');
        } else if (layer instanceof ScaleShift a) {
            sb.append("{\"type\": \"scale-shift\", \"scale\": ").append(a.scale()).append(", \"shift\": ")
                    .append(a.shift()).append('}');
        } else {
            throw new IllegalArgumentException(path + ": a layer of type " + layer.getClass().getName()
                    + " cannot be saved; a model file holds Sequential, Linear, ReLU, BatchNorm1d, Dropout and"
                    + " ScaleShift layers");
        }
    }

    private static void numbers(StringBuilder sb, double[] values, String path) {
        sb.append('[');
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(path + "[" + i + "] is " + values[i] + "; only finite values can"
                        + " be saved");
            }
            sb.append(i == 0 ? "" : ", ").append(values[i]);
        }
        sb.append(']');
    }

    /**
     * Reads a model file.
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a valid model file, with a message naming the file and the
     *     place (line and column, or the path of the key)
     */
    public static ModelFile read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), "model file " + file);
    }

    /**
     * @param json the text of a model file
     * @param source what the text is, for messages (e.g. {@code model file m.json})
     * @return the models
     * @throws IllegalArgumentException if it is not a valid model file, naming {@code source} and the place
     */
    public static ModelFile parse(String json, String source) {
        try {
            Map<String, Object> root = object(Json.parse(json), "the file");
            keys(root, "the file", "format", "version", "metadata", "models");
            if (!FORMAT.equals(string(root, "format", "the file"))) {
                throw new IllegalArgumentException("format: expected \"" + FORMAT + "\", got \"" + root.get("format")
                        + "\"");
            }
            int version = integer(root, "version", "the file");
            if (version != VERSION) {
                throw new IllegalArgumentException("version: this foldopt reads version " + VERSION + ", got "
                        + version);
            }
            Map<String, Object> meta = object(root.get("metadata"), "metadata");
            Map<String, String> metadata = new LinkedHashMap<>();
            for (String key : meta.keySet()) {
                metadata.put(key, string(meta, key, "metadata"));
            }
            List<Model> models = new ArrayList<>();
            List<Object> list = array(root.get("models"), "models");
            for (int i = 0; i < list.size(); i++) {
                String path = "models[" + i + "]";
                Map<String, Object> m = object(list.get(i), path);
                keys(m, path, "name", "layer", "parameters");
                List<Parameter> parameters = new ArrayList<>();
                List<Object> ps = array(m.get("parameters"), path + ".parameters");
                for (int j = 0; j < ps.size(); j++) {
                    parameters.add(parameter(ps.get(j), path + ".parameters[" + j + "]"));
                }
                models.add(new Model(string(m, "name", path), layer(m.get("layer"), path + ".layer"), parameters));
            }
            return new ModelFile(metadata, models);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static Layer layer(Object value, String path) {
        Map<String, Object> m = object(value, path);
        if (!m.containsKey("type")) {
            throw new IllegalArgumentException(path + ": missing key \"type\"");
        }
        String type = string(m, "type", path);
        switch (type) {
            case "sequential" -> {
                keys(m, path, "type", "layers");
                List<Object> list = array(m.get("layers"), path + ".layers");
                Layer[] layers = new Layer[list.size()];
                for (int i = 0; i < layers.length; i++) {
                    layers[i] = layer(list.get(i), path + ".layers[" + i + "]");
                }
                return new Sequential(layers);
            }
            case "linear" -> {
                keys(m, path, "type", "in", "out", "weight", "bias");
                int in = positive(m, "in", path);
                int out = positive(m, "out", path);
                return new Linear(Tensor.wrap(doubles(m, "weight", path, in, out), in, out),
                        Tensor.wrap(doubles(m, "bias", path, out), out));
            }
            case "relu" -> {
                keys(m, path, "type");
                return new ReLU();
            }
            case "batchnorm1d" -> {
                keys(m, path, "type", "features", "gamma", "beta", "running_mean", "running_var");
                int f = positive(m, "features", path);
                BatchNorm1d b = new BatchNorm1d(f);
                b.gamma().set(Tensor.wrap(doubles(m, "gamma", path, f), f));
                b.beta().set(Tensor.wrap(doubles(m, "beta", path, f), f));
                b.setRunningStatistics(doubles(m, "running_mean", path, f), doubles(m, "running_var", path, f));
                return b;
            }
            case "dropout" -> {
                keys(m, path, "type", "p", "seed");
                double p = number(m, "p", path);
                if (!(p >= 0 && p < 1)) {
                    throw new IllegalArgumentException(path + ".p: expected a probability in [0, 1), got " + p);
                }
                return new Dropout(p, (long) integral(m, "seed", path));
            }
            case "scale-shift" -> {
                keys(m, path, "type", "scale", "shift");
                return new ScaleShift(number(m, "scale", path), number(m, "shift", path));
            }
            default -> throw new IllegalArgumentException(path + ".type: unknown layer type \"" + type
                    + "\"; expected sequential, linear, relu, batchnorm1d, dropout or scale-shift");
        }
    }

    private static Parameter parameter(Object value, String path) {
        Map<String, Object> m = object(value, path);
        keys(m, path, "name", "shape", "data");
        List<Object> dims = array(m.get("shape"), path + ".shape");
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = dims.get(i);
            if (!(d instanceof Double x) || x != Math.rint(x) || x < 1 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(path + ".shape[" + i + "]: expected a positive integer, got "
                        + d);
            }
            shape[i] = (int) (double) x;
        }
        return new Parameter(string(m, "name", path), Tensor.wrap(doubles(m, "data", path, shape), shape));
    }

    /** Requires exactly the keys {@code allowed} (all present, no other). */
    private static void keys(Map<String, Object> m, String path, String... allowed) {
        Set<String> expected = Set.of(allowed);
        for (String key : m.keySet()) {
            if (!expected.contains(key)) {
                throw new IllegalArgumentException(path + ": unknown key \"" + key + "\"; expected "
                        + String.join(", ", allowed));
            }
        }
        for (String key : allowed) {
            if (!m.containsKey(key)) {
                throw new IllegalArgumentException(path + ": missing key \"" + key + "\"");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String path) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(path + ": expected an object, got " + kind(value));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Object value, String path) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalArgumentException(path + ": expected an array, got " + kind(value));
    }

    private static String string(Map<String, Object> m, String key, String path) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(path + "." + key + ": expected a string, got " + kind(m.get(key)));
    }

    private static double number(Map<String, Object> m, String key, String path) {
        if (m.get(key) instanceof Double d && Double.isFinite(d)) {
            return d;
        }
        throw new IllegalArgumentException(path + "." + key + ": expected a finite number, got " + kind(m.get(key)));
    }

    private static double integral(Map<String, Object> m, String key, String path) {
        double v = number(m, key, path);
        if (v != Math.rint(v) || Math.abs(v) > 0x1p53) {
            throw new IllegalArgumentException(path + "." + key + ": expected an integer, got " + v);
        }
        return v;
    }

    private static int integer(Map<String, Object> m, String key, String path) {
        double v = integral(m, key, path);
        if (Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(path + "." + key + ": expected an int, got " + v);
        }
        return (int) v;
    }

    private static int positive(Map<String, Object> m, String key, String path) {
        int v = integer(m, key, path);
        if (v < 1) {
            throw new IllegalArgumentException(path + "." + key + ": expected a positive integer, got " + v);
        }
        return v;
    }

    /** @return the array {@code m[key]} of {@code prod(shape)} finite numbers */
    private static double[] doubles(Map<String, Object> m, String key, String path, int... shape) {
        List<Object> list = array(m.get(key), path + "." + key);
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (list.size() != size) {
            throw new IllegalArgumentException(path + "." + key + ": expected " + size + " numbers"
                    + (shape.length > 1 ? " (" + String.join(" x ", Arrays.stream(shape).mapToObj(Integer::toString)
                            .toList()) + ")" : "") + ", got " + list.size());
        }
        double[] values = new double[list.size()];
        for (int i = 0; i < values.length; i++) {
            if (!(list.get(i) instanceof Double d) || !Double.isFinite(d)) {
                throw new IllegalArgumentException(path + "." + key + "[" + i + "]: expected a finite number, got "
                        + kind(list.get(i)));
            }
            values[i] = d;
        }
        return values;
    }

    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String s) {
            return "the string \"" + s + "\"";
        }
        return value.toString();
    }
}
