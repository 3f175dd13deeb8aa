package io.foldopt.ortools;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import io.foldopt.nn.dfl.LinearProgram;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.OracleException;
import io.foldopt.status.Status;

/**
 * An exact {@link Oracle} for any {@link LinearProgram} through Google OR-Tools: {@code min c^T w} over its feasible
 * set, solved by SCIP if some variable is integer and by GLOP otherwise. Each solve builds its own solver, so calls
 * run in parallel. Integer variables are rounded to the nearest integer (the solver returns them to within its
 * feasibility tolerance).
 *
 * <p>The OR-Tools native library (linux-x86_64) is loaded on first use; if it cannot be loaded the constructor
 * throws {@link IllegalStateException} saying why.
 */
public final class OrToolsOracle implements Oracle {
    private static volatile String loadFailure;
    private static volatile boolean loaded;

    private final LinearProgram program;
    private final String backend;

    /**
     * @param program the feasible set
     * @throws IllegalStateException if the OR-Tools native library cannot be loaded on this platform
     */
    public OrToolsOracle(LinearProgram program) {
        load();
        this.program = program;
        this.backend = backend(program);
    }

    private static synchronized void load() {
        if (loaded) {
            return;
        }
        if (loadFailure == null) {
            try {
                Loader.loadNativeLibraries();
                loaded = true;
                return;
            } catch (RuntimeException | LinkageError e) {
                loadFailure = e.toString();
            }
        }
        throw new IllegalStateException("the OR-Tools native library could not be loaded (foldopt-ortools ships it"
                + " for linux-x86_64 only): " + loadFailure);
    }

    /** @return the OR-Tools backend for {@code program}: {@code SCIP} if some variable is integer, else {@code GLOP} */
    static String backend(LinearProgram program) {
        return program.isMixedInteger() ? "SCIP" : "GLOP";
    }

    /** @return the OR-Tools backend in use, {@code SCIP} or {@code GLOP} */
    public String backend() {
        return backend;
    }

    @Override
    public int dimension() {
        return program.dimension();
    }

    @Override
    public long workPerSolve() {
        return 1L << 20;
    }

    @Override
    public double[] solve(double[] cost) {
        int n = program.dimension();
        Oracle.checkCost(cost, n);
        MPSolver solver = MPSolver.createSolver(backend);
        if (solver == null) {
            throw new OracleException("OR-Tools has no " + backend + " solver in this build", Status.NUMERICAL_FAILURE,
                    -1);
        }
        try {
            double inf = MPSolver.infinity();
            MPVariable[] w = new MPVariable[n];
            for (int j = 0; j < n; j++) {
                double lo = Double.isFinite(program.lower()[j]) ? program.lower()[j] : -inf;
                double hi = Double.isFinite(program.upper()[j]) ? program.upper()[j] : inf;
                w[j] = program.integer()[j] ? solver.makeIntVar(lo, hi, "w" + j) : solver.makeNumVar(lo, hi, "w" + j);
            }
            addRows(solver, w, program.a().data(), program.b(), true);
            addRows(solver, w, program.g().data(), program.h(), false);
            MPObjective objective = solver.objective();
            for (int j = 0; j < n; j++) {
                objective.setCoefficient(w[j], cost[j]);
            }
            objective.setMinimization();
            MPSolver.ResultStatus status = solver.solve();
            if (status == MPSolver.ResultStatus.INFEASIBLE) {
                // GLOP's presolve may call an unbounded LP infeasible: the program is feasible if it has a point
                // without the objective.
                objective.clear();
                if (solver.solve() == MPSolver.ResultStatus.OPTIMAL) {
                    status = MPSolver.ResultStatus.UNBOUNDED;
                }
            }
            switch (status) {
                case OPTIMAL:
                    break;
                case INFEASIBLE:
                    throw new OracleException("no point satisfies all constraints and bounds together (" + backend
                            + ")", Status.INFEASIBLE, -1);
                case UNBOUNDED:
                    throw new OracleException("the objective has no lower bound over the constraints (" + backend
                            + ")", Status.UNBOUNDED, -1);
                default:
                    throw new OracleException(backend + " ended with status " + status, Status.NUMERICAL_FAILURE, -1);
            }
            double[] out = new double[n];
            for (int j = 0; j < n; j++) {
                out[j] = program.integer()[j] ? Math.rint(w[j].solutionValue()) : w[j].solutionValue();
            }
            return out;
        } finally {
            solver.delete();
        }
    }

    private static void addRows(MPSolver solver, MPVariable[] w, double[] matrix, double[] rhs, boolean equality) {
        int n = w.length;
        for (int i = 0; i < rhs.length; i++) {
            MPConstraint row = solver.makeConstraint(equality ? rhs[i] : -MPSolver.infinity(), rhs[i]);
            for (int j = 0; j < n; j++) {
                if (matrix[i * n + j] != 0) {
                    row.setCoefficient(w[j], matrix[i * n + j]);
                }
            }
        }
    }
}
