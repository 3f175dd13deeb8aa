package io.foldopt.cli;

import picocli.CommandLine.Command;

/** {@code foldopt bench}: the group of benchmark commands. */
@Command(name = "bench", subcommands = {BenchBackwardCommand.class, BenchScaleCommand.class},
        description = "Benchmarks of the folded layer against its baselines.")
final class BenchCommand extends CommandGroup {}
