package io.foldopt.qp;

import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A QP solver for instances solved again and again with the same {@code P, A, G} and new {@code q, b, h}, such
 * as the projections {@code Proj_C(y)} of projected gradient (every iteration of a forward solve, every training
 * step of a layer): it warm-starts each instance index of a batch ({@link #solve(QpProblem, int)}) from the
 * active set of that index's previous solution.
 *
 * <p>Per instance index it keeps the active set {@code S} of the last solution and the factorization of
 * {@code K_S = [P A^T G_S^T; A 0 0; G_S 0 0]} ({@code ActiveSetKkt}). The next solve starts from {@code S} with
 * primal-dual active-set steps: solve {@code K_S (z, nu, lambda_S) = (-q, b, h_S)}, move the inequalities with a
 * negative multiplier out of {@code S} and the violated ones into it, and solve again, at most
 * {@value #MAX_CORRECTIONS} times. The first solve reuses the kept factorization if {@code P, A, G} are unchanged,
 * so an instance whose active set has not changed costs one back substitution. A point whose memberships settle
 * and whose {@link QpProblem#kktResidual KKT residual} is at most
 * {@code 1e-10 (1 + max(||q||_inf, ||b||_inf, ||h||_inf))} satisfies the KKT conditions of the convex QP to
 * rounding, so it is a solution whatever the path that found it, and is returned {@link Status#OPTIMAL}.
 * Otherwise (the first solve of an index, no settled point after the corrections, a singular {@code K_S}) the
 * interior-point fallback solves the instance and its active set {@code {i : lambda_i > h_i - g_i^T z}} starts the
 * index's next solve. {@link #solve(QpProblem)}, without an index, is the fallback.
 *
 * <p>{@link DifferentiableQp} takes the kept factorization of {@code K_S} for the derivative when its strictly
 * active set is the solver's. The state is safe for concurrent solves of different indices; concurrent solves of
 * one index only lose a warm start.
 */
public final class WarmStartQpSolver implements QpSolver {
    /** Corrections of the active set after the first solve, at most. */
    static final int MAX_CORRECTIONS = 5;
    /** Sign tolerance of multipliers and slacks and acceptance bound of the KKT residual, relative. */
    private static final double ACCEPT = 1e-10;

    private final QpSolver fallback;
    private final Map<Integer, Slot> slots = new ConcurrentHashMap<>();

    /** What one instance index keeps: its last problem, active set and the factorization of {@code K_S}. */
    private record Slot(QpProblem problem, int[] active, ActiveSetKkt kkt) {}

    /** Warm starts with the default {@link InteriorPointQpSolver} as the fallback. */
    public WarmStartQpSolver() {
        this(new InteriorPointQpSolver());
    }

    /** @param fallback the solver of first solves and of instances whose warm start does not settle */
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
     * @return the solution of {@code problem}, warm-started from the active set of index {@code instance}'s
     *     previous solution (see the class comment)
     */
    @Override
    public QpSolution solve(QpProblem problem, int instance) {
        Slot slot = slots.get(instance);
        if (slot != null) {
            boolean sameMatrices = ActiveSetKkt.sameMatrices(slot.problem(), problem);
            double scale = 1 + Math.max(Vec.normInf(problem.q), Math.max(Vec.normInf(problem.b),
                    Vec.normInf(problem.h)));
            ActiveSetKkt.Polished p = ActiveSetKkt.polish(problem, slot.active(), ACCEPT * scale, MAX_CORRECTIONS,
                    sameMatrices ? slot.kkt() : null);
            if (p != null && p.settled()) {
                double residual = problem.kktResidual(p.z(), p.nu(), p.lambda());
                if (residual <= ACCEPT * scale) {
                    slots.put(instance, new Slot(problem, p.active(), p.kkt()));
                    return new QpSolution(p.z(), p.nu(), p.lambda(), Status.OPTIMAL, p.solves(), residual);
                }
            }
        }
        QpSolution s = fallback.solve(problem);
        if (s.optimal()) {
            double[] slack = problem.slacks(s.z());
            int[] active = IntStream.range(0, problem.m).filter(i -> s.lambda()[i] > slack[i]).toArray();
            slots.put(instance, new Slot(problem, active, null));
        }
        return s;
    }

    /**
     * @return the kept factorization of {@code K_active} of index {@code instance} if its last solve was this
     *     problem's (same {@code P, A, G}) with the active set {@code active}, else null
     */
    ActiveSetKkt factorization(int instance, QpProblem problem, int[] active) {
        Slot slot = slots.get(instance);
        return slot != null && slot.kkt() != null && Arrays.equals(slot.active(), active)
                && ActiveSetKkt.sameMatrices(slot.problem(), problem) ? slot.kkt() : null;
    }
}
