package io.ledgerjdbc.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: read by {@link LedgerCli}'s error handler, which prints stack traces only then. */
final class Verbosity {

    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;
}
