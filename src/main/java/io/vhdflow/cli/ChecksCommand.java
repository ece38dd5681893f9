package io.vhdflow.cli;

import io.vhdflow.inspect.CheckCatalog;
import io.vhdflow.inspect.CheckCatalogue;
import io.vhdflow.pipeline.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vhdflow checks}: the catalogue of checks vhdflow runs, as a table, JSON or the markdown of docs/checks.md. */
@Command(name = "checks", mixinStandardHelpOptions = true,
        description = "List every check vhdflow runs: id, category, severity per policy, what it reads, its source.")
public final class ChecksCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Option(names = "--markdown", description = "print the tables of docs/checks.md (checks, then secret rules)")
    boolean markdown;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CheckCatalog catalog = CheckCatalog.standard();
        if (markdown) {
            out.print(CheckCatalogue.markdown(catalog));
            out.println();
            out.print(io.vhdflow.inspect.secrets.SecretRuleCatalogue.markdown());
        } else {
            List<Map<String, String>> rows = CheckCatalogue.rows(catalog);
            if (json) {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
            } else {
                for (Map<String, String> r : rows) {
                    out.printf("%-4s %-13s %-6s %s%n", r.get("id"), r.get("category"), r.get("azure-platform"),
                            r.get("title"));
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }
}
