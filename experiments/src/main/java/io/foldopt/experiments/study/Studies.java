package io.foldopt.experiments.study;

import java.util.List;
import java.util.Optional;

/** The registry of studies, in the order {@code foldopt study --list} shows them. */
public final class Studies {
    private static final List<Study> ALL = List.of(new SolversStudy(), new SpectralStudy(), new StartStudy(),
            new NonconvexStudy(), new MemoryStudy());

    private Studies() {}

    /** @return every study */
    public static List<Study> all() {
        return ALL;
    }

    /** @return the study with this command-line name */
    public static Optional<Study> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
