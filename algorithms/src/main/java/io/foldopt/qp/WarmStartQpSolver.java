package io.foldopt.qp;

import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A QP solver for instances solved again and again with the same {@code P, A, G} and new {@code q, b, h}, such
 * as the projections {@code Proj_C(y)} of projected gradient (every iteration of a forward solve, every training
 * step of a layer): a primal-dual active-set method that starts each instance index of a batch
 * ({@link #solve(QpProblem, int)}) from the active set of that index's previous solution.
 *
 * <p><b>Method.</b> For a positive definite {@code P}, the KKT conditions on an active set {@code S},
 * {@code P z + q + C_S^T mu = 0} and {@code C_S z = d_S} with {@code C_S = [A; G_S]}, {@code d_S = (b, h_S)} and
 * {@code mu = (nu, lambda_S)}, reduce to the Schur complement
 * {@code (C_S P^{-1} C_S^T) mu = -(d_S + C_S P^{-1} q)}, {@code z = -P^{-1} (q + C_S^T mu)}. The Cholesky factor
 * {@code L} of {@code P}, the columns {@code L^{-1} c_j} and the Gram matrix {@code [A; G] P^{-1} [A; G]^T} depend on
 * {@code P, A, G} only ({@link ConstraintGram}): they are computed once per instance index and kept while its
 * matrices stay the same (so the QP derivative of {@link DifferentiableQp} reuses them), and a step costs a
 * Cholesky factorization of order {@code p + |S|} and products of order {@code (p + m) n + n^2}. Each step drops the
 * inequalities of {@code S} with a negative multiplier and adds the violated ones; at most
 * {@value #MAX_STEPS} steps, from the index's previous active set (the empty set for its first solve), and if
 * those give no verified solution (the previous set may be dependent for the new data), once more from the empty
 * set.
 *
 * <p><b>Verification.</b> A point whose memberships settle and whose {@link QpProblem#kktResidual KKT residual}
 * is at most {@code 1e-10 (1 + max(||q||_inf, ||b||_inf, ||h||_inf))} satisfies the KKT conditions of the convex
 * QP to rounding, so it is a solution whatever the path that found it, and is returned {@link Status#OPTIMAL}
 * ({@link QpSolution#iterations()}: the steps). Otherwise (no settled point, dependent active constraints, a
 * {@code P} that is only semidefinite, an infeasible instance) the fallback solver's solution is returned, and
 * its active set {@code {i : lambda_i > h_i - g_i^T z}} starts the index's next solve. {@link #solve(QpProblem)},
 * without an index, is the fallback.
 *
 * <p>The state is safe for concurrent solves of different indices; concurrent solves of one index only lose a
 * warm start.
 */
public final class WarmStartQpSolver implements QpSolver {
    /** Active-set steps per solve, at most. */
    static final int MAX_STEPS = 12;
    /** Sign tolerance of multipliers and slacks and acceptance bound of the KKT residual, relative. */
    private static final double ACCEPT = 1e-10;

    private final QpSolver fallback;
    private final Map<Integer, int[]> activeSets = new ConcurrentHashMap<>();
    /** The matrix data of each index's most recent problem. */
    private final Map<Integer, ConstraintGram> grams = new ConcurrentHashMap<>();

    /** Warm starts with the default {@link InteriorPointQpSolver} as the fallback. */
    public WarmStartQpSolver() {
        this(new InteriorPointQpSolver());
    }

    /** @param fallback the solver of the instances whose active-set steps do not give a verified solution */
    public WarmStartQpSolver(QpSolver fallback) {
        if (fallback == null) {
            throw new IllegalArgumentException("fallback must not be null");
        }
        this.fallback = fallback;
    }

    /** @return the fallback's solution (no instance index, no warm start) */
    @Override
    public QpSolution solve(QpProblem problem) {
        return fallback.solve(problem);
    }

    /**
     * @return the solution of {@code problem} by active-set steps from the previous active set of index
     *     {@code instance}, verified, or the fallback's (see the class comment)
     */
    @Override
    public QpSolution solve(QpProblem problem, int instance) {
        ConstraintGram data = gramOf(problem, instance);
        if (data != null) {
            int[] start = activeSets.getOrDefault(instance, new int[0]);
            QpSolution s = steps(data, problem, start);
            if (s == null && start.length > 0) {
                // The previous active set may be dependent for the new data (a singular Schur complement).
                s = steps(data, problem, new int[0]);
            }
            if (s != null) {
                activeSets.put(instance, active(problem, s));
                return s;
            }
        }
        QpSolution s = fallback.solve(problem);
        if (s.optimal()) {
            activeSets.put(instance, active(problem, s));
        }
        return s;
    }

    /** @return {@code {i : lambda_i > h_i - g_i^T z}} */
    private static int[] active(QpProblem problem, QpSolution s) {
        double[] slack = problem.slacks(s.z());
        return IntStream.range(0, problem.m).filter(i -> s.lambda()[i] > slack[i]).toArray();
    }

    /**
     * @return the matrix data kept for index {@code instance} if its {@code P, A, G} are those of {@code problem},
     *     else new data (then kept); null if {@code P} is not definite
     */
    ConstraintGram gramOf(QpProblem problem, int instance) {
        ConstraintGram g = grams.get(instance);
        if (g != null && g.matches(problem)) {
            return g;
        }
        g = ConstraintGram.of(problem);
        if (g != null) {
            grams.put(instance, g);
        }
        return g;
    }

    /**
     * Active-set steps from {@code start} on the Schur complements of {@code data} (see the class comment).
     *
     * @return the verified solution, or null if the steps do not give one
     */
    private static QpSolution steps(ConstraintGram data, QpProblem problem, int[] start) {
        int p = problem.p;
        double tol = ACCEPT * (1 + Math.max(Vec.normInf(problem.q), Math.max(Vec.normInf(problem.b),
                Vec.normInf(problem.h))));
        double[] u = data.lower(problem.q);
        // cq_j = c_j^T P^{-1} q
        double[] cq = data.project(u);
        boolean[] inSet = membership(problem.m, start);
        for (int step = 1; step <= MAX_STEPS; step++) {
            int[] set = workingSet(p, inSet);
            // (C_S P^{-1} C_S^T) mu = -(d_S + C_S P^{-1} q), z = -P^{-1} (q + C_S^T mu)
            double[] mu = schurRightHandSide(problem, set, cq);
            Cholesky sFactor = data.schur(set, null);
            if (!sFactor.isPositiveDefinite()) {
                return null;
            }
            sFactor.solveInPlace(mu);
            double[] z = data.combine(u, set, mu);
            Vec.scale(-1.0, z, 0, z, 0, z.length);
            double[] nu = Arrays.copyOf(mu, p);
            double[] lambda = new double[problem.m];
            boolean changed = dropNegative(set, mu, p, lambda, inSet, tol);
            changed |= addViolated(problem.slacks(z), lambda, inSet, tol);
            if (!changed) {
                double residual = problem.kktResidual(z, nu, lambda);
                return residual <= tol && Vec.allFinite(z)
                        ? new QpSolution(z, nu, lambda, Status.OPTIMAL, step, residual) : null;
            }
        }
        return null;
    }

    /** @return the membership flags of the inequalities {@code start} among {@code m} */
    private static boolean[] membership(int m, int[] start) {
        boolean[] inSet = new boolean[m];
        for (int i : start) {
            inSet[i] = true;
        }
        return inSet;
    }

    /** @return {@code -(d_j + c_j^T P^{-1} q)} for the rows {@code j} of the working set, {@code d = (b, h)} */
    private static double[] schurRightHandSide(QpProblem problem, int[] set, double[] cq) {
        int p = problem.p;
        double[] mu = new double[set.length];
        for (int a = 0; a < set.length; a++) {
            int j = set[a];
            mu[a] = -((j < p ? problem.b[j] : problem.h[j - p]) + cq[j]);
        }
        return mu;
    }

    /** @return the rows of {@code C} in the working set: every equality, then the inequalities in the set */
    private static int[] workingSet(int p, boolean[] inSet) {
        int count = p;
        for (boolean in : inSet) {
            count += in ? 1 : 0;
        }
        int[] set = new int[count];
        for (int j = 0; j < p; j++) {
            set[j] = j;
        }
        int a = p;
        for (int i = 0; i < inSet.length; i++) {
            if (inSet[i]) {
                set[a++] = p + i;
            }
        }
        return set;
    }

    /**
     * Sets {@code lambda} from the working set's multipliers {@code mu} (negative ones clipped to 0) and drops the
     * inequalities whose multiplier is below {@code -tol}.
     *
     * @return whether one was dropped
     */
    private static boolean dropNegative(int[] set, double[] mu, int p, double[] lambda, boolean[] inSet,
            double tol) {
        boolean changed = false;
        for (int a = p; a < set.length; a++) {
            int i = set[a] - p;
            lambda[i] = Math.max(0.0, mu[a]);
            if (mu[a] < -tol) {
                inSet[i] = false;
                changed = true;
            }
        }
        return changed;
    }

    /**
     * Adds the inequalities outside the working set with no multiplier and a slack below {@code -tol}.
     *
     * @return whether one was added
     */
    private static boolean addViolated(double[] slack, double[] lambda, boolean[] inSet, double tol) {
        boolean changed = false;
        for (int i = 0; i < slack.length; i++) {
            if (!inSet[i] && lambda[i] == 0 && slack[i] < -tol) {
                inSet[i] = true;
                changed = true;
            }
        }
        return changed;
    }
}
