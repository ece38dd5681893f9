package io.vhdflow.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code vhdflow completion [--install]}: the bash (and zsh, through bashcompinit) completion
 * script picocli generates from the command model, printed or installed where bash-completion
 * loads it on demand.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints the shell completion script for vhdflow (bash; zsh with bashcompinit), or installs it.",
                "Install: vhdflow completion --install (then open a new shell). For this shell only: "
                        + "source <(vhdflow completion)."})
public final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--install", description = "Write the script to $XDG_DATA_HOME/bash-completion/completions/vhdflow "
            + "(default ~/.local/share/bash-completion/completions/vhdflow), where bash-completion finds it.")
    boolean install;

    @Option(names = "--json", description = "With --install, print where it was written as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String script = AutoComplete.bash("vhdflow", spec.root().commandLine());
        PrintWriter out = spec.commandLine().getOut();
        if (!install) {
            out.print(script);
            out.flush();
            return ExitCode.OK;
        }
        Path target = target(System.getenv("XDG_DATA_HOME"), System.getProperty("user.home"));
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.writeString(tmp, script, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw CommandFailure.ofEnvironment(e, target.toString());
        }
        if (json) {
            out.println(io.vhdflow.pipeline.Json.mapper().createObjectNode().put("installed", target.toString()));
        } else {
            out.println("installed the completion script as " + target
                    + "; open a new shell to use it (zsh: autoload -U bashcompinit && bashcompinit, then source it)");
        }
        out.flush();
        return ExitCode.OK;
    }

    /** Where bash-completion (2.x) looks for a command's script on demand. */
    static Path target(String xdgDataHome, String userHome) {
        Path base = Optional.ofNullable(xdgDataHome).filter(s -> !s.isBlank()).map(Path::of)
                .orElse(Path.of(userHome, ".local", "share"));
        return base.resolve("bash-completion").resolve("completions").resolve("vhdflow");
    }
}
