package io.foldopt.cli;

import io.foldopt.experiments.report.Provenance;
import picocli.CommandLine.IVersionProvider;

/** The version line of {@code foldopt --version}: the foldopt version and the git commit of the build. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        Provenance.Build build = Provenance.build();
        return new String[] {"foldopt " + build.version() + " (git commit " + build.commit() + ")"};
    }
}
