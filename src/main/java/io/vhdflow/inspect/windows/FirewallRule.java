package io.vhdflow.inspect.windows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One Windows Firewall rule as stored in SYSTEM {@code Services\SharedAccess\Parameters\FirewallPolicy\FirewallRules}:
 * a REG_SZ named by the rule id, e.g. {@code RemoteDesktop-UserMode-In-TCP} =
 * {@code v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|App=...|EmbedCtxt=@FirewallAPI.dll,-28752|}:
 * a version, then {@code Field=value} pairs separated by {@code |}, a field possibly repeated
 * ({@code Profile=Domain|Profile=Private}). {@code EmbedCtxt} names the rule's group; the built-in
 * "Remote Desktop" group is {@code @FirewallAPI.dll,-28752} (as in the Windows 7 and 10 hives of
 * regipy's test data).
 *
 * @param id     the value name
 * @param fields every field, in order, values of a repeated field in order
 */
record FirewallRule(String id, Map<String, List<String>> fields) {

    /** The "Remote Desktop" rule group. */
    static final String REMOTE_DESKTOP_GROUP = "@FirewallAPI.dll,-28752";
    /** A rule longer than this is not one Windows wrote. */
    static final int MAX_LENGTH = 16 * 1024;

    static FirewallRule parse(String id, String text) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        String t = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
        for (String part : t.split("\\|")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.computeIfAbsent(part.substring(0, eq).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(part.substring(eq + 1));
            }
        }
        return new FirewallRule(id, fields);
    }

    String first(String field) {
        List<String> v = fields.get(field.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    boolean active() {
        return first("Active").equalsIgnoreCase("TRUE");
    }

    /** An inbound TCP allow rule of the Remote Desktop group. */
    boolean remoteDesktopTcpIn() {
        boolean group = first("EmbedCtxt").equalsIgnoreCase(REMOTE_DESKTOP_GROUP);
        return group && first("Dir").equalsIgnoreCase("In") && first("Action").equalsIgnoreCase("Allow")
                && first("Protocol").equals("6") && !first("LPort").isEmpty();
    }

    /** Whether the rule's local ports include {@code port} ({@code LPort} may list ports and ranges). */
    boolean allowsPort(long port) {
        for (String lport : fields.getOrDefault("lport", List.of())) {
            for (String p : lport.split(",")) {
                String s = p.strip();
                int dash = s.indexOf('-');
                try {
                    if (dash > 0) {
                        long lo = Long.parseLong(s.substring(0, dash).strip());
                        long hi = Long.parseLong(s.substring(dash + 1).strip());
                        if (port >= lo && port <= hi) {
                            return true;
                        }
                    } else if (!s.isEmpty() && Long.parseLong(s) == port) {
                        return true;
                    }
                } catch (NumberFormatException e) {
                    // Keywords such as RPC or IPHTTPS: not a port number.
                }
            }
        }
        return false;
    }

    /** How evidence shows the rule: {@code RemoteDesktop-UserMode-In-TCP (TCP 3389, enabled)}. */
    String shown() {
        return id + " (TCP " + String.join(",", fields.getOrDefault("lport", List.of())) + ", "
                + (active() ? "enabled" : "disabled") + ")";
    }
}
