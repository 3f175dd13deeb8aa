package io.foldopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.foldopt.cli.bench.BackwardBenchmark.Config;
import io.foldopt.cli.bench.PyTorchComparison.Variant;
import io.foldopt.tensor.GemmBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PyTorch script on data written by the benchmark: its folded GMRES gradients match foldopt's direct ones. */
class PyTorchComparisonTest {
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void pytorchGmresReproducesTheDirectGradient(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
        BackwardBenchmark.Result result = BackwardBenchmark.run(new Config(30, 5, 3, 1e-11, 1), List.of("gmres"),
                GemmBackend.JAVA);
        Path data = dir.resolve(PyTorchComparison.dataFileName(30, 5));
        BackwardBenchmark.writeComparisonData(result, data);
        List<Variant> variants;
        try {
            variants = PyTorchComparison.run(PYTHON, PyTorchComparison.extractScript(dir), data, 1e-11, 1, 1, 20, null);
        } catch (IOException e) {
            assumeTrue(!e.getMessage().contains("No module named 'torch'"), "torch is not installed");
            throw e;
        }
        assertEquals(List.of("gmres-autograd", "gmres-explicit", "unrolled-20"),
                variants.stream().map(Variant::variant).toList());
        for (Variant v : variants.subList(0, 2)) {
            assertTrue(v.relErrorVsDirect() < 1e-8, v.toString());
            assertTrue(v.iterations() > 1 && v.iterations() <= 30, v.toString());
        }
        // Twenty steps of a contraction with rho ~ 0.98 are far from the fixed point's derivative.
        assertTrue(variants.get(2).relErrorVsDirect() > 1e-3, variants.get(2).toString());
    }
}
