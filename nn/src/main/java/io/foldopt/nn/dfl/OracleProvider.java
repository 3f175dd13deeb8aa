package io.foldopt.nn.dfl;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A solver backend that makes exact {@link Oracle}s for any {@link LinearProgram}, found on the class path through
 * {@link ServiceLoader} (an optional module registers one in {@code META-INF/services}, as {@code foldopt-ortools}
 * does for OR-Tools). Implementations have a public no-argument constructor.
 */
public interface OracleProvider {
    /** @return the backend's name as a user selects it, e.g. {@code ortools} */
    String name();

    /**
     * @param program the feasible set
     * @return a thread-safe oracle for {@code min c^T w} over it
     * @throws IllegalStateException saying why if the backend cannot run on this platform (e.g. its native library
     *     does not load)
     */
    Oracle oracle(LinearProgram program);

    /** @return the solver that {@link #oracle} uses for {@code program}, in a few words, e.g. {@code OR-Tools SCIP} */
    String describe(LinearProgram program);

    /** @return the providers on the class path, in the order {@link ServiceLoader} finds them */
    static List<OracleProvider> installed() {
        List<OracleProvider> out = new ArrayList<>();
        ServiceLoader.load(OracleProvider.class, OracleProvider.class.getClassLoader()).forEach(out::add);
        return out;
    }
}
