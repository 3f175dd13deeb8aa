package io.foldopt.qp;

import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import java.util.stream.IntStream;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.convex.ConvexSolver;
import org.ojalgo.structure.Access1D;

/**
 * {@link QpSolver} backed by ojAlgo's {@code ConvexSolver} (an active-set method), the reference the
 * interior-point solver is tested against.
 *
 * <p>ojAlgo minimizes {@code 1/2 x^T Q x - C^T x} subject to {@code AE x = BE}, {@code AI x <= BI}; the
 * adapter passes {@code Q = P}, {@code C = -q}. ojAlgo's multipliers (equalities first, then
 * inequalities) follow the convention {@code P z + q + A^T nu + G^T lambda = 0} of {@link QpSolution}; the
 * inequality multipliers are clipped at 0. When ojAlgo returns no finite multipliers (it returns NaN for
 * problems with {@code P = 0}), the point is recomputed from the active-set KKT system at the inequalities
 * with {@code |h_i - g_i^T z| <= 1e-9 (1 + |h_i|)} ({@link ActiveSetKkt#polish}).
 *
 * <p>States map to {@link Status}: {@code INFEASIBLE} and {@code UNBOUNDED} to themselves (ojAlgo gives no
 * certificate, so the vectors are zero); an optimal state to {@code OPTIMAL} if the KKT residual is at most
 * {@code 1e-6 (1 + max(||q||, ||b||, ||h||))}; anything else (and an exception inside ojAlgo) to
 * {@code NUMERICAL_FAILURE}. ojAlgo does not expose its iteration count; it is reported as 0. Stateless and
 * thread-safe (each call builds its own ojAlgo solver).
 */
public final class OjAlgoQpSolver implements QpSolver {
    private static final double ACTIVE_TOLERANCE = 1e-9;
    private static final double ACCEPTED_RESIDUAL = 1e-6;

    @Override
    public QpSolution solve(QpProblem pr) {
        int n = pr.n;
        ConvexSolver.Builder builder = ConvexSolver.newBuilder().objective(matrix(pr.pm, n, n), column(pr.q, -1.0));
        if (pr.p > 0) {
            builder.equalities(matrix(pr.a, pr.p, n), column(pr.b, 1.0));
        }
        if (pr.m > 0) {
            builder.inequalities(matrix(pr.g, pr.m, n), column(pr.h, 1.0));
        }
        Optimisation.Result result;
        try {
            result = builder.build().solve();
        } catch (RuntimeException e) {
            return statusOnly(pr, Status.NUMERICAL_FAILURE);
        }
        Optimisation.State state = result.getState();
        if (state == Optimisation.State.INFEASIBLE || state == Optimisation.State.UNBOUNDED) {
            return statusOnly(pr, state == Optimisation.State.INFEASIBLE ? Status.INFEASIBLE : Status.UNBOUNDED);
        }
        double[] z = new double[n];
        for (int j = 0; j < n; j++) {
            z[j] = result.doubleValue(j);
        }
        if (!state.isOptimal() || !Vec.allFinite(z)) {
            return statusOnly(pr, Status.NUMERICAL_FAILURE);
        }
        double[][] point = multipliers(pr, z, result.getMultipliers().orElse(null));
        if (point == null) {
            return statusOnly(pr, Status.NUMERICAL_FAILURE);
        }
        double residual = pr.kktResidual(point[0], point[1], point[2]);
        double scale = 1 + Math.max(Vec.normInf(pr.q), Math.max(Vec.normInf(pr.b), Vec.normInf(pr.h)));
        Status status = residual <= ACCEPTED_RESIDUAL * scale ? Status.OPTIMAL : Status.NUMERICAL_FAILURE;
        return new QpSolution(point[0], point[1], point[2], status, 0, residual);
    }

    /**
     * @return {@code {z, nu, lambda}} with ojAlgo's multipliers if they are all finite, else the active-set
     *     point at {@code z}'s active inequalities; null if neither is available
     */
    private static double[][] multipliers(QpProblem pr, double[] z, Access1D<?> raw) {
        if (raw != null && raw.count() == pr.p + pr.m) {
            double[] nu = new double[pr.p];
            double[] lambda = new double[pr.m];
            for (int i = 0; i < pr.p; i++) {
                nu[i] = raw.doubleValue(i);
            }
            for (int i = 0; i < pr.m; i++) {
                lambda[i] = Math.max(0.0, raw.doubleValue(pr.p + i));
            }
            if (Vec.allFinite(nu) && Vec.allFinite(lambda)) {
                return new double[][] {z, nu, lambda};
            }
        }
        double[] slack = pr.slacks(z);
        int[] active = IntStream.range(0, pr.m)
                .filter(i -> Math.abs(slack[i]) <= ACTIVE_TOLERANCE * (1 + Math.abs(pr.h[i])))
                .toArray();
        return ActiveSetKkt.polish(pr, active, ACTIVE_TOLERANCE);
    }

    /** A solution that carries only a status: all vectors are zero. */
    private static QpSolution statusOnly(QpProblem pr, Status status) {
        double[] z = new double[pr.n];
        double[] nu = new double[pr.p];
        double[] lambda = new double[pr.m];
        return new QpSolution(z, nu, lambda, status, 0, pr.kktResidual(z, nu, lambda));
    }

    private static R064Store matrix(double[] data, int rows, int cols) {
        R064Store out = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out.set(i, j, data[i * cols + j]);
            }
        }
        return out;
    }

    private static R064Store column(double[] data, double scale) {
        R064Store out = R064Store.FACTORY.make(data.length, 1);
        for (int i = 0; i < data.length; i++) {
            out.set(i, 0, scale * data[i]);
        }
        return out;
    }
}
