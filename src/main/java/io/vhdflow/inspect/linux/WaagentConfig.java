package io.vhdflow.inspect.linux;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /etc/waagent.conf}: {@code Name=value} lines, {@code #} comments, optional quotes around the
 * value, as the agent's {@code ConfigurationProvider} reads it (the last assignment wins).
 * Defaults below are the agent's in-code defaults ({@code azurelinuxagent/common/conf.py}), which
 * apply when a line is missing — not the values of any distro's shipped file.
 *
 * @param values   the assignments
 * @param problems lines that could not be read, with their line number
 */
public record WaagentConfig(Map<String, String> values, List<String> problems) {

    private static final int MAX_ENTRIES = 1024;

    public WaagentConfig {
        values = Map.copyOf(values);
        problems = List.copyOf(problems);
    }

    public static WaagentConfig parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> problems = new java.util.ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                if (problems.size() < 20) {
                    problems.add("line " + (n + 1) + " is not Name=value");
                }
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (out.size() < MAX_ENTRIES || out.containsKey(key)) {
                out.put(key, value);
            }
        }
        return new WaagentConfig(out, problems);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** A y/n switch: the agent treats exactly {@code y} (case-insensitive) as true. */
    public boolean flag(String key, boolean defaultValue) {
        return get(key).map(v -> v.equalsIgnoreCase("y")).orElse(defaultValue);
    }

    /** {@code Provisioning.Agent}: auto (default), waagent, cloud-init or disabled. */
    public String provisioningAgent() {
        return get("Provisioning.Agent").map(v -> v.toLowerCase(Locale.ROOT)).orElse("auto");
    }

    /** {@code Provisioning.RegenerateSshHostKeyPair}, default n in the agent's code. */
    public boolean regenerateSshHostKeyPair() {
        return flag("Provisioning.RegenerateSshHostKeyPair", false);
    }

    /** {@code Provisioning.DeleteRootPassword}, default n in the agent's code. */
    public boolean deleteRootPassword() {
        return flag("Provisioning.DeleteRootPassword", false);
    }

    /** {@code ResourceDisk.Format}, default n in current agents. */
    public boolean resourceDiskFormat() {
        return flag("ResourceDisk.Format", false);
    }

    /** {@code ResourceDisk.EnableSwap}, default n. */
    public boolean resourceDiskEnableSwap() {
        return flag("ResourceDisk.EnableSwap", false);
    }

    /** {@code AutoUpdate.Enabled} (older name {@code AutoUpdate.UpdateToLatestVersion} not read), default y. */
    public boolean autoUpdateEnabled() {
        return flag("AutoUpdate.Enabled", true);
    }

    /** {@code Provisioning.Enabled}: removed in agent 2.2.45, reported only as a legacy note. */
    public Optional<String> legacyProvisioningEnabled() {
        return get("Provisioning.Enabled");
    }
}
