package io.vhdflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The help text of every command, wrapped at spaces only. picocli wraps with the platform's line
 * breaker, which also breaks after '.', '-' and '/', splitting {@code vhdflow.verification/1} or
 * {@code --policy} across lines; these section renderers lay the same content out in two columns
 * and break lines between words, and add the one exit-code table to every command.
 */
final class HelpLayout {
    /** Indent of an option's names, and the widest names column before descriptions move below. */
    private static final int INDENT = 2;
    private static final int MAX_NAMES = 30;
    private static final int GAP = 2;

    private HelpLayout() {
    }

    /** Installs the renderers and the exit-code table on {@code cl} and every subcommand below it. */
    static void apply(CommandLine cl) {
        UsageMessageSpec u = cl.getCommandSpec().usageMessage();
        u.exitCodeListHeading("%nExit codes:%n");
        u.exitCodeList(ExitCode.table());
        Map<String, CommandLine.IHelpSectionRenderer> m = u.sectionMap();
        m.put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, HelpLayout::synopsis);
        m.put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, h -> paragraphs(h.commandSpec().usageMessage().description(),
                h.commandSpec().usageMessage().width()));
        m.put(UsageMessageSpec.SECTION_KEY_PARAMETER_LIST, HelpLayout::parameters);
        m.put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::options);
        m.put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpLayout::commands);
        m.put(UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST, h -> table(h.commandSpec().usageMessage().exitCodeList(),
                h.commandSpec().usageMessage().width()));
        for (CommandLine sub : cl.getSubcommands().values()) {
            apply(sub);
        }
    }

    /** picocli's synopsis laid out on one very long line, then wrapped at spaces under the command name. */
    private static String synopsis(CommandLine.Help help) {
        UsageMessageSpec u = help.commandSpec().usageMessage();
        int width = u.width();
        String one;
        u.width(10_000);
        try {
            one = help.synopsis(help.synopsisHeadingLength()).strip();
        } finally {
            u.width(width);
        }
        int heading = help.synopsisHeadingLength();
        int hang = heading + help.commandSpec().qualifiedName().length() + 1;
        // The heading ("Usage: ") is printed before this section: the first line has that much less room.
        String placeholder = "x".repeat(Math.max(0, heading - 1)) + " ";
        List<String> lines = new ArrayList<>(wrap(placeholder + one, width, Math.min(hang, width / 2)));
        lines.set(0, lines.get(0).substring(placeholder.length()));
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }

    private static String parameters(CommandLine.Help help) {
        List<String[]> rows = new ArrayList<>();
        for (PositionalParamSpec p : help.commandSpec().positionalParameters()) {
            if (!p.hidden()) {
                rows.add(new String[] {p.paramLabel(), description(p)});
            }
        }
        return columns(rows, help.commandSpec().usageMessage().width());
    }

    private static String options(CommandLine.Help help) {
        List<OptionSpec> opts = new ArrayList<>(help.commandSpec().options());
        opts.removeIf(OptionSpec::hidden);
        opts.sort(Comparator.comparing(o -> o.shortestName().replaceFirst("^-+", "").toLowerCase(java.util.Locale.ROOT)));
        List<String[]> rows = new ArrayList<>();
        for (OptionSpec o : opts) {
            String names = String.join(", ", o.names());
            if (o.arity().max() > 0) {
                names += "=" + o.paramLabel();
            }
            rows.add(new String[] {names, description(o)});
        }
        return columns(rows, help.commandSpec().usageMessage().width());
    }

    private static String commands(CommandLine.Help help) {
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : help.commandSpec().subcommands().entrySet()) {
            CommandSpec s = e.getValue().getCommandSpec();
            if (s.usageMessage().hidden() || !e.getKey().equals(s.name())) {
                continue;
            }
            String[] d = s.usageMessage().description();
            rows.add(new String[] {e.getKey(), d.length == 0 ? "" : d[0]});
        }
        return columns(rows, help.commandSpec().usageMessage().width());
    }

    private static String table(Map<String, String> entries, int width) {
        List<String[]> rows = new ArrayList<>();
        entries.forEach((k, v) -> rows.add(new String[] {k, v}));
        return columns(rows, width);
    }

    private static String description(ArgSpec a) {
        return newlines(String.join(" ", a.description()));
    }

    /** picocli's {@code %n} line breaks in a description; any other '%' is text. */
    static String newlines(String text) {
        return text.replace("%n", "\n");
    }

    private static String paragraphs(String[] lines, int width) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            for (String l : wrap(newlines(line), width, 0)) {
                b.append(l).append(System.lineSeparator());
            }
        }
        return b.toString();
    }

    /** Rows of (names, description): names indented, descriptions in a column wrapped at spaces. */
    static String columns(List<String[]> rows, int width) {
        if (rows.isEmpty()) {
            return "";
        }
        int names = 0;
        for (String[] r : rows) {
            if (r[0].length() <= MAX_NAMES) {
                names = Math.max(names, r[0].length());
            }
        }
        int col = INDENT + names + GAP;
        StringBuilder b = new StringBuilder();
        String nl = System.lineSeparator();
        for (String[] r : rows) {
            String head = " ".repeat(INDENT) + r[0];
            List<String> desc = r[1].isBlank() ? List.of() : wrap(r[1], width - col, 0);
            if (head.length() + GAP > col && !desc.isEmpty()) {
                b.append(head).append(nl);
                head = "";
            }
            if (desc.isEmpty()) {
                b.append(head).append(nl);
                continue;
            }
            b.append(head).append(" ".repeat(col - head.length())).append(desc.get(0)).append(nl);
            for (String d : desc.subList(1, desc.size())) {
                b.append(" ".repeat(col)).append(d).append(nl);
            }
        }
        return b.toString();
    }

    /**
     * {@code text} broken into lines of at most {@code width} characters, only at spaces (a word
     * longer than the width stands alone on its line, unbroken); lines after the first are indented
     * by {@code hang}. Explicit line breaks are kept.
     */
    static List<String> wrap(String text, int width, int hang) {
        List<String> out = new ArrayList<>();
        for (String para : text.split("\\R", -1)) {
            StringBuilder line = new StringBuilder();
            boolean hasWord = false;
            for (String word : para.strip().split(" +")) {
                if (word.isEmpty()) {
                    continue;
                }
                if (hasWord && line.length() + 1 + word.length() > width) {
                    out.add(line.toString());
                    line = new StringBuilder(" ".repeat(hang));
                    hasWord = false;
                }
                if (hasWord) {
                    line.append(' ');
                }
                line.append(word);
                hasWord = true;
            }
            out.add(line.toString());
        }
        return out;
    }
}
