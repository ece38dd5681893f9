package io.vhdflow.inspect.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /etc/group} ({@code name:password:gid:member,member}).
 *
 * @param name    group name
 * @param gid     group id (-1 when not a number)
 * @param members the listed members (accounts whose primary group it is are not listed here)
 */
record Group(String name, long gid, List<String> members) {

    Group {
        members = List.copyOf(members);
    }

    static List<Group> parseAll(String text) {
        List<Group> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (out.size() >= PasswdEntry.MAX_LINES) {
                break;
            }
            parse(line).ifPresent(out::add);
        }
        return out;
    }

    static Optional<Group> parse(String line) {
        if (line.isBlank() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
            return Optional.empty();
        }
        String[] f = line.split(":", -1);
        if (f.length < 4 || f[0].isEmpty()) {
            return Optional.empty();
        }
        List<String> m = new ArrayList<>();
        for (String x : f[3].split(",")) {
            if (!x.isBlank() && m.size() < 4096) {
                m.add(x.strip());
            }
        }
        return Optional.of(new Group(f[0], f[2].matches("\\d{1,10}") ? Long.parseLong(f[2]) : -1, m));
    }
}
