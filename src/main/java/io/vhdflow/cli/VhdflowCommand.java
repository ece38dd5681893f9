package io.vhdflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The {@code vhdflow} command line: one entry point, one subcommand per concern, one error style
 * and one exit-code table ({@link ExitCode}) for all of them. A command that cannot do its work
 * throws a {@link CommandFailure}; this class prints it once, as
 * {@code vhdflow: <what failed>: <why> (<what to do>)} on stderr or, with {@code --json}, as
 * {@code {"error":{"kind":…,"message":…,"hint":…}}} on stdout, with a stack trace only under
 * {@code --debug}.
 */
@Command(name = "vhdflow",
        mixinStandardHelpOptions = true,
        versionProvider = VhdflowCommand.Version.class,
        description = "Checks, packages and registers VM disk images (VHD) for Azure.",
        subcommands = {RunCommand.class, InspectCommand.class, ChecksCommand.class, VhdCommand.class, CatalogCommand.class,
                JobsCommand.class, ConfigCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class VhdflowCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On failure, also print the stack trace (for reporting a defect).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new VhdflowCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        HelpLayout.apply(cl);
        cl.setParameterExceptionHandler(VhdflowCommand::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> report(cmd, CommandFailure.of(ex),
                parsed.originalArgs()));
        return cl;
    }

    @Override
    public Integer call() {
        return VhdflowCommand.noSubcommand(spec);
    }

    /** A command with subcommands called without one: its usage on stderr, and exit 64 (nothing was asked for). */
    static int noSubcommand(CommandLine.Model.CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** A command line picocli could not parse: one line naming the problem and where to read more. */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String why = ex.getMessage() == null ? "bad command line" : ex.getMessage();
        // picocli says "Unknown option: '--bogus'"; the error style has one colon after what failed.
        why = why.replaceFirst("^([^:']+): ", "$1 ");
        why = why.isEmpty() ? why : why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1);
        String hint = "see '" + name + " --help'";
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            hint = "did you mean " + String.join(" or ", u.getSuggestions().subList(0,
                    Math.min(3, u.getSuggestions().size()))) + "? " + hint;
        }
        String what = name.equals("vhdflow") ? "command line" : name.substring("vhdflow ".length());
        return report(cmd, CommandFailure.usage(what, why, hint).withCause(ex), List.of(args));
    }

    /** Prints {@code f} in the error style (JSON when the command line asked for JSON) and returns its exit code. */
    static int report(CommandLine cmd, CommandFailure f, List<String> args) {
        boolean debug = args.contains("--debug");
        if (args.contains("--json")) {
            PrintWriter out = cmd.getOut();
            out.println(errorJson(f));
            out.flush();
        } else {
            PrintWriter err = cmd.getErr();
            f.lines().forEach(err::println);
            err.flush();
        }
        if (debug && f.getCause() != null) {
            StringWriter trace = new StringWriter();
            f.getCause().printStackTrace(new PrintWriter(trace));
            cmd.getErr().print(trace);
            cmd.getErr().flush();
        }
        return f.exitCode();
    }

    /** {@code {"error":{"kind":…,"message":…,"hint":…}}}. */
    static String errorJson(CommandFailure f) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("kind", f.kind());
        e.put("message", f.message());
        e.put("hint", f.hint());
        e.put("exitCode", f.exitCode());
        if (!f.details().isEmpty()) {
            com.fasterxml.jackson.databind.node.ArrayNode details = e.putArray("details");
            f.details().forEach(details::add);
        }
        return root.toString();
    }

    /** {@code vhdflow 0.1.0 (built 2026-05-01T10:00:00Z, Java 17.0.9)}, from the properties Maven filtered. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = VhdflowCommand.class.getResourceAsStream("/vhdflow-build.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // Without the file the version reads "unknown"; --version itself must not fail.
            }
            String version = filled(p.getProperty("version"));
            String built = filled(p.getProperty("built"));
            return new String[] {"vhdflow " + version + " (built " + built + ", Java "
                    + System.getProperty("java.version") + ")"};
        }

        /** A value Maven filled in, or "unknown" (a build that skipped resource filtering). */
        private static String filled(String v) {
            return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
        }
    }
}
