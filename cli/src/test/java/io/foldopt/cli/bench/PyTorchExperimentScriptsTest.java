package io.foldopt.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch versions of the experiments' folded layers in {@code bench/python} (used for the side-by-side epoch
 * timings in docs/benchmarks.md): each script's {@code check()} asserts at a tiny size that its folded gradients
 * match central finite differences (and, where two layers solve the same problem, each other).
 */
class PyTorchExperimentScriptsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPTS = Path.of("..", "bench", "python");

    @Test
    void foldedGradientsOfEveryScriptMatchFiniteDifferences() throws Exception {
        assumeModules("torch");
        String out = runChecks("import denoising_folded, bilinear_folded, multilabel_folded;"
                + " denoising_folded.check(); bilinear_folded.check(); multilabel_folded.check()");
        for (String layer : new String[] {"folded-dpg", "folded-admm", "folded-pgd-a", "lml", "folded-pgd"}) {
            assertTrue(out.contains(layer + ": gradient") && out.contains("matches central differences"), out);
        }
    }

    @Test
    void foldedGradientOfTheNonconvexQpScriptMatchesFiniteDifferences() throws Exception {
        assumeModules("torch, cvxopt");
        String out = runChecks("import nonconvexqp_folded; nonconvexqp_folded.check()");
        assertTrue(out.contains("folded-pgd: gradient matches central differences"), out);
    }

    @Test
    void foldedGradientOfThePortfolioScriptMatchesFiniteDifferences() throws Exception {
        assumeModules("torch, cvxopt");
        String out = runChecks("import portfolio_folded; portfolio_folded.check()");
        assertTrue(out.contains("folded-sqp: gradient matches central differences"), out);
    }

    private static void assumeModules(String modules) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
        assumeTrue(Files.isDirectory(SCRIPTS), SCRIPTS + " is not present");
        Process p = new ProcessBuilder(PYTHON, "-c", "import " + modules).redirectErrorStream(true).start();
        assumeTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, modules + " not installed");
    }

    /** Runs the Python statements at one thread in the scripts' directory; returns their output, asserting exit 0. */
    private static String runChecks(String statements) throws Exception {
        Process check = new ProcessBuilder(PYTHON, "-c", "import torch; torch.set_num_threads(1); " + statements)
                .directory(SCRIPTS.toFile()).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(300, TimeUnit.SECONDS), "the checks did not finish: " + out);
        assertEquals(0, check.exitValue(), out);
        return out;
    }
}
