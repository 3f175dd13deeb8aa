package io.foldopt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files: every layer type round-trips bit for bit, and malformed files are refused naming the place. */
class ModelFileTest {
    @TempDir
    Path dir;

    private static Sequential network() {
        SplittableRandom rng = new SplittableRandom(3);
        BatchNorm1d norm = new BatchNorm1d(6);
        norm.forward(Var.constant(Tensor.randn(rng, 8, 6)));   // moves the running statistics off their start
        norm.gamma().set(Tensor.randn(rng, 6));
        return new Sequential(new Linear(4, 6, rng), norm, new ReLU(), new Dropout(0.25, 11),
                new Sequential(new Linear(6, 3, rng)), new ScaleShift(0.05, -0.1));
    }

    @Test
    void everyLayerTypeRoundTripsExactly() throws IOException {
        Sequential net = network();
        Parameter extra = new Parameter("D", Tensor.randn(new SplittableRandom(5), 2, 3).map(v -> v / 3));
        ModelFile file = new ModelFile(Map.of("experiment", "demo \"quoted\"\n"),
                List.of(new ModelFile.Model("net", net, List.of(extra)), new ModelFile.Model("identity",
                        new Sequential(), List.of())));
        Path path = dir.resolve("m.json");
        file.write(path);
        ModelFile back = ModelFile.read(path);
        assertEquals(file.metadata(), back.metadata());
        assertEquals(List.of("net", "identity"), back.models().stream().map(ModelFile.Model::name).toList());
        Layer loaded = back.model("net").orElseThrow().layer();
        List<Parameter> a = net.parameters();
        List<Parameter> b = loaded.parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).value().shape(), b.get(i).value().shape());
            assertArrayEquals(a.get(i).value().data(), b.get(i).value().data(), 0.0, a.get(i).name());
        }
        assertArrayEquals(extra.value().data(), back.model("net").orElseThrow().parameters().get(0).value().data(),
                0.0);
        // Same outputs in evaluation mode (running statistics, dropout off, scale-shift) and the same JSON again.
        Tensor x = Tensor.randn(new SplittableRandom(9), 5, 4);
        net.eval();
        loaded.eval();
        assertArrayEquals(net.forward(Var.constant(x)).value().data(), loaded.forward(Var.constant(x)).value().data(),
                0.0);
        assertEquals(file.toJson(), back.toJson());
        Tensor y = Tensor.randn(new SplittableRandom(10), 2, 5);
        assertArrayEquals(y.data(), back.model("identity").orElseThrow().layer().forward(Var.constant(y)).value()
                .data(), 0.0);
    }

    @Test
    void malformedFilesAreRefusedNamingThePlace() {
        String good = new ModelFile(Map.of("k", "v"), List.of(new ModelFile.Model("m",
                new Sequential(new Linear(2, 3, new SplittableRandom(1)), new ReLU()), List.of()))).toJson();
        String[][] cases = {
            {"", "line 1, column 1: unexpected end of input"},
            {good + "x", "unexpected content after the end of the JSON value"},
            {good.replace("\"relu\"", "\"reLU\""), "models[0].layer.layers[1].type: unknown layer type \"reLU\""},
            {good.replace("\"out\": 3", "\"out\": 4"), "models[0].layer.layers[0].weight: expected 8 numbers (2 x 4),"
                    + " got 6"},
            {good.replace("\"bias\": [", "\"bias\": [\"a\", "), "models[0].layer.layers[0].bias: expected 3 numbers,"
                    + " got 4"},
            {good.replace("\"version\": 1", "\"version\": 2"), "version: this foldopt reads version 1, got 2"},
            {good.replace("\"format\": \"foldopt-model\"", "\"format\": \"onnx\""), "format: expected"},
            {good.replace("\"name\": \"m\"", "\"name\": \"m\", \"name\": \"n\""), "duplicate key \"name\""},
            {good.replace("\"name\": \"m\"", "\"nmae\": \"m\""), "models[0]: unknown key \"nmae\""},
            {good.replace("\"in\": 2, ", ""), "models[0].layer.layers[0]: missing key \"in\""},
            {good.replace("\"in\": 2", "\"in\": 1e999"), "models[0].layer.layers[0].in: expected a finite number"},
            {good.replace("\"k\": \"v\"", "\"k\": 3"), "metadata.k: expected a string, got 3.0"},
            {good.replace("\"in\": 2", "\"in\": 02"), "expected ',' or '}'"},
            {good.replace("{\"type\": \"relu\"}", "{}"), "models[0].layer.layers[1]: missing key \"type\""},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelFile.parse(c[0], "model file m.json"), c[1]);
            assertTrue(e.getMessage().startsWith("model file m.json: ") && e.getMessage().contains(c[1]),
                    e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    @Test
    void unsavableLayersAndNonFiniteValuesAreRefused() {
        Layer custom = x -> x.relu();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ModelFile(Map.of(), List.of(
                new ModelFile.Model("m", new Sequential(new ReLU(), custom), List.of()))).toJson()).getMessage()
                .startsWith("models[0].layer.layers[1]: a layer of type"));
        Linear bad = new Linear(Tensor.of(new double[] {1, Double.NaN}, 2, 1), Tensor.zeros(1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ModelFile(Map.of(), List.of(
                new ModelFile.Model("m", bad, List.of()))).toJson()).getMessage()
                .startsWith("models[0].layer.weight[1] is NaN"));
    }
}
