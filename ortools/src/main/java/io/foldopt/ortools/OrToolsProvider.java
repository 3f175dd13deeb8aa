package io.foldopt.ortools;

import io.foldopt.nn.dfl.LinearProgram;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.OracleProvider;

/** Registers {@link OrToolsOracle} as the {@link OracleProvider} named {@code ortools}. */
public final class OrToolsProvider implements OracleProvider {
    /** Creates the provider; the native library is loaded by the first {@link #oracle}. */
    public OrToolsProvider() {}

    @Override
    public String name() {
        return "ortools";
    }

    @Override
    public Oracle oracle(LinearProgram program) {
        return new OrToolsOracle(program);
    }

    @Override
    public String describe(LinearProgram program) {
        return "OR-Tools " + OrToolsOracle.backend(program);
    }
}
