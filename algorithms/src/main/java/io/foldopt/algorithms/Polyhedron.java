package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpOptions;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * A polyhedron {@code C = {x in R^n : A x = b, G x <= h}} with {@code A (p, n)}, {@code b (p)},
 * {@code G (m, n)}, {@code h (m)}; either pair may be absent (null), for {@code p = 0} or {@code m = 0}.
 *
 * <p>Its {@link #projection(QpOptions) projection} {@code Proj_C(y) = argmin_x 1/2 ||x - y||^2 s.t. x in C}
 * is the convex QP with {@code P = I} and {@code q = -y}, solved and differentiated by {@link DifferentiableQp}:
 * the projection of variant (b) of {@link ProjectedGradient}.
 *
 * @param a the equality matrix {@code A (p, n)}, or null
 * @param b the equality right-hand side {@code b (p)}, or null
 * @param g the inequality matrix {@code G (m, n)}, or null
 * @param h the inequality right-hand side {@code h (m)}, or null
 */
public record Polyhedron(Tensor a, Tensor b, Tensor g, Tensor h) {

    /** Validates the shapes and that the data are finite. */
    public Polyhedron {
        if ((a == null) != (b == null) || (g == null) != (h == null)) {
            throw new IllegalArgumentException("polyhedron: constraints come in pairs (A, b) and (G, h)");
        }
        if (a == null && g == null) {
            throw new IllegalArgumentException("polyhedron: needs equalities (A, b) or inequalities (G, h)");
        }
        int n = a != null ? a.dim(-1) : g.dim(-1);
        check("A", "b", a, b, n);
        check("G", "h", g, h, n);
    }

    private static void check(String matrix, String rhs, Tensor m, Tensor r, int n) {
        if (m == null) {
            return;
        }
        if (m.rank() != 2 || m.dim(1) != n || r.rank() != 1 || r.dim(0) != m.dim(0)) {
            throw new IllegalArgumentException("polyhedron: " + matrix + " must be (k, " + n + ") and " + rhs
                    + " (k), got " + Arrays.toString(m.shape()) + " and " + Arrays.toString(r.shape()));
        }
        if (!m.isFinite() || !r.isFinite()) {
            throw new IllegalArgumentException("polyhedron: " + matrix + " or " + rhs + " has a non-finite entry");
        }
    }

    /** @return the dimension {@code n} */
    public int dim() {
        return a != null ? a.dim(1) : g.dim(1);
    }

    /** @return the number {@code p} of equalities */
    public int equalities() {
        return a == null ? 0 : a.dim(0);
    }

    /** @return the number {@code m} of inequalities */
    public int inequalities() {
        return g == null ? 0 : g.dim(0);
    }

    /**
     * @return the row-wise projection {@code y (B, n) -> Proj_C(y)} through
     *     {@code DifferentiableQp.solve(I, -y, A, b, G, h, options)}, with the constraint data as constants
     */
    public ProjectedGradient.Projection projection(QpOptions options) {
        return projection(constant(a), constant(b), constant(g), constant(h), options);
    }

    /**
     * @return the projection onto {@code {A x = b, G x <= h}} for constraint data given as graph nodes (any of
     *     which may require gradients; a folded layer over the projection then returns their gradients), with
     *     the identity {@code P} shared by the batch; {@code a, b} or {@code g, h} may be null
     */
    public static ProjectedGradient.Projection projection(Var a, Var b, Var g, Var h, QpOptions options) {
        int n = (a != null ? a : g).dim(1);
        Var identity = Var.constant(Tensor.eye(n));
        return y -> DifferentiableQp.solve(identity, y.neg(), a, b, g, h, options);
    }

    private static Var constant(Tensor t) {
        return t == null ? null : Var.constant(t);
    }
}
