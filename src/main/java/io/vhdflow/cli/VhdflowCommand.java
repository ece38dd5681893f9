package io.vhdflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vhdflow} command line: one entry point, one subcommand per concern. */
@Command(name = "vhdflow",
        mixinStandardHelpOptions = true,
        versionProvider = VhdflowCommand.Version.class,
        description = "Checks, packages and registers VM disk images (VHD) for Azure.",
        subcommands = {RunCommand.class, InspectCommand.class, ChecksCommand.class, VhdCommand.class, CatalogCommand.class,
                JobsCommand.class, CommandLine.HelpCommand.class})
public final class VhdflowCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new VhdflowCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VhdflowCommand.class.getPackage().getImplementationVersion();
            return new String[] {"vhdflow " + (v == null ? "development build" : v)};
        }
    }
}
