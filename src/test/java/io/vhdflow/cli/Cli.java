package io.vhdflow.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code vhdflow} in-process as {@code main} would, capturing what it prints. */
final class Cli {
    private Cli() {
    }

    /** What a run printed and returned. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = VhdflowCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
