package io.foldopt.experiments.dfl;

import io.foldopt.nn.dfl.ShortestPathOracle;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * PyEPO's shortest-path data: arc costs of a {@code rows x cols} grid ({@link ShortestPathOracle#grid}, 40 arcs on
 * 5x5) from features, {@code c_j = [(1/sqrt(p) (B x)_j + 3)^deg + 1] / 3.5^deg} times uniform noise in
 * {@code [1 - w, 1 + w]}, {@code x ~ N(0, I_p)}, {@code B ~ Bernoulli(0.5)} (see {@link PolynomialCosts}).
 *
 * @param features the features {@code (N, p)}
 * @param costs the arc costs {@code (N, arcs)}
 */
public record ShortestPathData(Tensor features, Tensor costs) {

    /**
     * @param samples {@code N}
     * @param features {@code p}
     * @param rows the grid's rows
     * @param cols the grid's columns
     * @param deg the polynomial degree, at least 1
     * @param noise the noise half-width {@code w}, in {@code [0, 1)}
     * @param seed the seed of every draw
     * @return the data set
     */
    public static ShortestPathData generate(int samples, int features, int rows, int cols, int deg, double noise,
            long seed) {
        PolynomialCosts.check("shortest-path", samples, features, deg, noise);
        int arcs = ShortestPathOracle.grid(rows, cols).dimension();
        Tensor[] xc = PolynomialCosts.draw(new SplittableRandom(seed), samples, features, arcs, deg, noise);
        return new ShortestPathData(xc[0], xc[1]);
    }
}
