package io.foldopt.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foldopt.autodiff.Var;
import io.foldopt.nn.Sequential;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Model specifications, and standardization folded into the first and last layers without changing the map. */
class StandardizationTest {
    @Test
    void specsParseAndPrint() {
        assertEquals("linear", ModelSpec.parse("linear").toString());
        assertEquals("mlp:64,8", ModelSpec.parse(" mlp:64, 8").toString());
        assertEquals(5, ModelSpec.parse("mlp:4,4").build(5, 2, 1).modules().size(), "linear, relu, linear, relu, linear");
        for (String bad : new String[] {"mlp", "mlp:", "mlp:4,", "mlp:x", "lin", "mlp:0"}) {
            assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse(bad), bad);
        }
    }

    @Test
    void foldingGivesTheSameOutputs() {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor x = Tensor.randn(rng, 30, 4).map(v -> 50 + 20 * v);
        x.data()[3] = 7; // a column with a constant value gets scale 1
        for (int i = 0; i < 30; i++) {
            x.data()[i * 4 + 3] = 7;
        }
        Tensor c = Tensor.randn(rng, 30, 3).map(v -> -3 + 0.01 * v);
        Standardization in = Standardization.of(x);
        Standardization out = Standardization.of(c);
        Tensor z = in.apply(x);
        double[] col0 = new double[30];
        for (int i = 0; i < 30; i++) {
            col0[i] = z.data()[i * 4];
        }
        assertEquals(0, java.util.Arrays.stream(col0).sum() / 30, 1e-12);
        assertEquals(1, java.util.Arrays.stream(col0).map(v -> v * v).sum() / 30, 1e-12);
        for (String spec : new String[] {"linear", "mlp:6,5"}) {
            Sequential net = ModelSpec.parse(spec).build(4, 3, 5);
            Tensor expected = out.restore(net.forward(Var.constant(in.apply(x)))).value();
            Tensor folded = Standardization.fold(net, in, out).forward(Var.constant(x)).value();
            double[] e = expected.data();
            double[] f = folded.data();
            for (int k = 0; k < e.length; k++) {
                assertEquals(e[k], f[k], 1e-12 * (1 + Math.abs(e[k])), spec + " entry " + k);
            }
            assertArrayEquals(expected.shape(), folded.shape());
        }
    }
}
