package io.ledgerjdbc.cli;

import io.ledgerjdbc.driver.FileErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code java -jar ledgerjdbc.jar <command>}: the operator's tool, in the same jar as the driver.
 * Exit codes everywhere: 0 clean, 1 findings, 2 usage, connection or internal error.
 */
@Command(name = "ledgerjdbc",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerCli.Version.class,
        description = "LedgerJDBC: a JDBC driver that records every committed change in a verifiable ledger, "
                + "and the tool that checks it.",
        subcommands = {VerifyCommand.class, HistoryCommand.class, LogCommand.class, ProofCommand.class, VerifyProofCommand.class, DigestCommand.class,
                KeygenCommand.class, DiffCommand.class, StatusCommand.class, ClusterCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:clean / success", "1:findings (tampering, divergence, invalid proof)",
                "2:usage, connection or internal error"})
public final class LedgerCli implements Runnable {

    public static final int CLEAN = 0;
    public static final int FINDINGS = 1;
    public static final int ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether the output is a terminal: colours and progress bars only then. */
    final boolean terminal;

    LedgerCli(boolean terminal) {
        this.terminal = terminal;
    }

    Style style() {
        return new Style(terminal);
    }

    public static void main(String[] args) {
        quietLibraryLogging();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.console() != null));
    }

    /**
     * The tool's output is its own: the libraries inside (Calcite, JGroups) log through SLF4J, which without a
     * provider prints warnings on every start. The jar ships no provider, so that an application using it as
     * its driver keeps its own logging; the tool alone selects the no-op provider, unless told otherwise.
     */
    static void quietLibraryLogging() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN"); // else SLF4J announces the provider it loads
            }
        }
    }

    /** Runs one command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, false);
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}; {@code terminal} allows colours and progress bars. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal) {
        quietLibraryLogging();
        CommandLine cli = new CommandLine(new LedgerCli(terminal));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> ERROR);
        cli.getCommandSpec().exitCodeOnInvalidInput(ERROR);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.originalArgs().contains("--verbose");
            // the user's own mistakes (a missing file, a wrong URL) say what is wrong; a stack trace would not help
            boolean usersMistake = e instanceof UserError || e instanceof IOException;
            commandLine.getErr().println("error: " + oneLine(e) + (verbose || usersMistake ? "" : " (use --verbose for the stack trace)"));
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            return ERROR;
        });
        return cli.execute(args);
    }

    private static String oneLine(Throwable e) {
        String m = e instanceof IOException io ? FileErrors.describe(io) : e.getMessage();
        return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version the build wrote into the jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = LedgerCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"LedgerJDBC " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
