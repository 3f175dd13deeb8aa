package io.foldopt.experiments.denoising2d;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Cartoon images: the aspect ratio 1 is the plain generator, a wide one makes vertical changes dominate. */
class CartoonImagesTest {
    @Test
    void aspectOneIsThePlainGeneratorAndWideShapesChangeMostlyVertically() {
        CartoonImages plain = CartoonImages.generate(3, 40, 40, 0.1, 5);
        CartoonImages same = CartoonImages.generate(3, 40, 40, 0.1, 1.0, 5);
        assertArrayEquals(plain.clean().data(), same.clean().data());
        assertArrayEquals(plain.noisy().data(), same.noisy().data());
        int[] square = changes(plain);
        int[] wide = changes(CartoonImages.generate(3, 40, 40, 0.1, 8, 5));
        assertTrue(wide[1] > 3 * wide[0], "wide: vertical " + wide[1] + " vs horizontal " + wide[0] + " changes");
        assertTrue(square[1] < 2 * square[0] && square[0] < 2 * square[1],
                "square: vertical " + square[1] + " vs horizontal " + square[0] + " changes");
        assertThrows(IllegalArgumentException.class, () -> CartoonImages.generate(1, 8, 8, 0.1, 0, 1));
    }

    /** @return the numbers of nonzero horizontal and vertical differences of the clean images */
    private static int[] changes(CartoonImages images) {
        double[] x = images.clean().data();
        int h = images.height();
        int w = images.width();
        int[] n = new int[2];
        for (int k = 0; k < images.clean().dim(0); k++) {
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int p = k * h * w + r * w + c;
                    n[0] += c + 1 < w && x[p + 1] != x[p] ? 1 : 0;
                    n[1] += r + 1 < h && x[p + w] != x[p] ? 1 : 0;
                }
            }
        }
        return n;
    }
}
