package io.foldopt.check;

import io.foldopt.linalg.Vec;
import io.foldopt.operator.LinearOperator;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Checks that an operator's adjoint is the transpose of its forward map: for random {@code x} and {@code y},
 * {@code <K x, y> = <x, K^T y>}. A user-defined operator should pass this before it is used in a solver.
 */
public final class AdjointCheck {
    private AdjointCheck() {}

    /**
     * @param k the operator
     * @param seed seed of the random {@code x (n)} and {@code y (m)} (standard normal)
     * @return {@code |<K x, y> - <x, K^T y>| / (||K x|| ||y||)}, 0 if {@code K x = 0} and the inner products agree
     */
    public static double relativeGap(LinearOperator k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = Tensor.randn(rng, k.cols()).data();
        double[] y = Tensor.randn(rng, k.rows()).data();
        double[] kx = k.apply(x, 1);
        double[] kty = k.adjoint(y, 1);
        double gap = Math.abs(Vec.dot(kx, 0, y, 0, y.length) - Vec.dot(x, 0, kty, 0, x.length));
        double scale = Vec.norm(kx, 0, kx.length) * Vec.norm(y, 0, y.length);
        return gap == 0 ? 0 : gap / scale;
    }
}
