package io.vhdflow.inspect.windows;

import io.vhdflow.disk.registry.RegistryKey;
import io.vhdflow.disk.registry.RegistryValue;
import io.vhdflow.disk.registry.RegistryValueType;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * W6: a VM made from the image can be reached over Remote Desktop, the first thing a user tries.
 * Blocks when RDP is denied (locally, or by Group Policy whatever the local value), when the
 * Remote Desktop service is disabled or missing, or when the listener is bound to one network
 * adapter of the source machine (LanAdapter not 0: Azure's NIC is another adapter, so nothing
 * listens). Warns when the port is not 3389 (Azure's default rules and the portal's Connect use it),
 * when Network Level Authentication is off, and when no enabled "Remote Desktop" firewall rule
 * admits the port while the firewall is on.
 *
 * <p>Category: provisioning. A VM nobody can reach is a failed deployment from the user's side
 * ("Remote access issue" in the Marketplace certification FAQ), and provisioning is the category
 * whose MUST failures decide the verdict; {@code access} is about leftover ways in, the opposite
 * concern.
 */
public final class RemoteDesktopCheck extends WindowsCheck {
    static final String TS = "Control\\Terminal Server";
    static final String RDP_TCP = TS + "\\WinStations\\RDP-Tcp";
    static final String POLICY = "Policies\\Microsoft\\Windows NT\\Terminal Services";
    static final String FIREWALL = "Services\\SharedAccess\\Parameters\\FirewallPolicy";
    static final long RDP_PORT = 3389;
    /** More firewall rules than this is not a real hive (Windows Server ships about 600). */
    static final int MAX_RULES = 20_000;

    public RemoteDesktopCheck() {
        super("W6", "Remote Desktop enabled and reachable", Category.PROVISIONING, Severity.MUST,
                "SYSTEM current control set: Control\\Terminal Server fDenyTSConnections, WinStations\\RDP-Tcp "
                        + "(PortNumber, LanAdapter, UserAuthentication), Services\\TermService Start, "
                        + "Services\\SharedAccess\\Parameters\\FirewallPolicy (profiles, Remote Desktop rules); "
                        + "SOFTWARE Policies\\Microsoft\\Windows NT\\Terminal Services (fDenyTSConnections, UserAuthentication)",
                "Prepare a Windows VHD to upload to Azure, 'Update remote desktop registry settings' and 'Configure "
                        + "Windows Firewall rules'; Azure Marketplace certification FAQ 'Remote access issue' — docs/checks.md#w6",
                "in the source VM: reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\" /v "
                        + "fDenyTSConnections /t REG_DWORD /d 0 /f, then Sysprep again");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        return inControlSet(w, e -> read(w, e));
    }

    private static void read(WindowsSystem w, Evidence e) throws IOException {
        deny(w, e);
        service(w, e);
        long port = listener(w, e);
        firewall(w, e, port);
    }

    private static void deny(WindowsSystem w, Evidence e) throws IOException {
        RegistryReading local = w.controlSet(TS, "fDenyTSConnections");
        if (local.is(0)) {
            e.ok(found(w, local, "0 (connections allowed)"));
        } else {
            e.block(found(w, local, "0") + ": Windows denies Remote Desktop connections"
                            + (local.present() ? "" : " when the value is absent"),
                    regAddControlSet(TS, "fDenyTSConnections", 0));
        }
        if (w.software().isEmpty()) {
            e.unknown("SOFTWARE hive unreadable: a Group Policy denying Remote Desktop cannot be ruled out ("
                    + String.join("; ", w.problems()) + ")");
            return;
        }
        RegistryReading policy = w.software(POLICY, "fDenyTSConnections");
        if (!policy.present()) {
            e.ok(w.where(policy.path()) + " = (absent): no Group Policy overrides it");
        } else if (policy.is(0)) {
            e.ok(found(w, policy, "0 or absent"));
        } else {
            e.block(found(w, policy, "0 or absent") + ": Group Policy denies Remote Desktop whatever "
                    + "Control\\Terminal Server says", regAdd("SOFTWARE\\" + POLICY, "fDenyTSConnections", 0)
                    + " (or remove the policy 'Allow users to connect remotely by using Remote Desktop Services' = Disabled)");
        }
    }

    private static void service(WindowsSystem w, Evidence e) throws IOException {
        RegistryReading start = w.controlSet("Services\\TermService", "Start");
        if (w.controlSetKey("Services\\TermService").isEmpty()) {
            e.block(w.where(start.path()) + ": the Remote Desktop Services service (TermService) is not installed",
                    "install Remote Desktop Services (TermService) in the source VM");
        } else if (start.is(4)) {
            e.block(found(w, start, "not 4 (disabled); 3 (manual) is Windows' default")
                    + ": the Remote Desktop service cannot start", scConfig("TermService", 3));
        } else {
            String shown = startShown(start);
            e.ok(w.where(start.path()) + " = " + shown + ": the service can start");
        }
    }

    /** The listener's settings; returns the port it listens on. */
    private static long listener(WindowsSystem w, Evidence e) throws IOException {
        RegistryReading port = w.controlSet(RDP_TCP, "PortNumber");
        OptionalLong p = port.number();
        if (p.isPresent() && p.getAsLong() == RDP_PORT) {
            e.ok(found(w, port, "3389"));
        } else {
            e.warn(found(w, port, "3389") + ": Azure's default network security rule and the portal's Connect button use 3389; "
                    + "change the port after deployment", regAddControlSet(RDP_TCP, "PortNumber", RDP_PORT));
        }
        RegistryReading lan = w.controlSet(RDP_TCP, "LanAdapter");
        if (!lan.present() || lan.is(0)) {
            e.ok(found(w, lan, "0 (every network adapter)"));
        } else {
            e.block(found(w, lan, "0 (every network adapter)") + ": the listener is bound to one adapter of the source "
                    + "machine, which an Azure VM does not have", regAddControlSet(RDP_TCP, "LanAdapter", 0));
        }
        RegistryReading nla = w.controlSet(RDP_TCP, "UserAuthentication");
        RegistryReading nlaPolicy = w.software().isPresent() ? w.software(POLICY, "UserAuthentication")
                : new RegistryReading("SOFTWARE\\" + POLICY + "\\UserAuthentication", Optional.empty());
        RegistryReading effective = nlaPolicy.present() ? nlaPolicy : nla;
        if (effective.is(1)) {
            e.ok(found(w, effective, "1 (Network Level Authentication)")
                    + (effective == nlaPolicy ? " (Group Policy)" : ""));
        } else {
            e.warn(found(w, effective, "1 (Network Level Authentication)") + (effective == nlaPolicy ? " (Group Policy)" : "")
                    + ": connections are accepted before the user is authenticated",
                    effective == nlaPolicy ? regAdd("SOFTWARE\\" + POLICY, "UserAuthentication", 1)
                            : regAddControlSet(RDP_TCP, "UserAuthentication", 1));
        }
        return p.orElse(RDP_PORT);
    }

    private static void firewall(WindowsSystem w, Evidence e, long port) throws IOException {
        List<String> on = new ArrayList<>();
        for (String profile : List.of("DomainProfile", "StandardProfile", "PublicProfile")) {
            RegistryReading enabled = w.controlSet(FIREWALL + "\\" + profile, "EnableFirewall");
            // The firewall is on in a profile unless EnableFirewall says 0.
            if (!enabled.is(0)) {
                on.add(profile);
            }
        }
        String rulesPath = w.where("SYSTEM\\" + w.currentControlSetName().orElse("") + "\\" + FIREWALL + "\\FirewallRules");
        if (on.isEmpty()) {
            e.ok(w.where("SYSTEM\\" + w.currentControlSetName().orElse("") + "\\" + FIREWALL)
                    + ": EnableFirewall = 0 in every profile, so no rule is needed for Remote Desktop");
            return;
        }
        Optional<RegistryKey> rules = w.controlSetKey(FIREWALL + "\\FirewallRules");
        List<FirewallRule> rdp = new ArrayList<>();
        if (rules.isPresent()) {
            List<RegistryValue> values = rules.get().values();
            if (values.size() > MAX_RULES) {
                e.unknown(rulesPath + " holds " + values.size() + " rules, more than the " + MAX_RULES + " read");
                return;
            }
            for (RegistryValue v : values) {
                if (v.type() == RegistryValueType.SZ || v.type() == RegistryValueType.EXPAND_SZ) {
                    FirewallRule r = FirewallRule.parse(v.name(), v.asString());
                    if (r.remoteDesktopTcpIn()) {
                        rdp.add(r);
                    }
                }
            }
        }
        String enable = "netsh advfirewall firewall set rule group=\"remote desktop\" new enable=Yes";
        List<String> shown = rdp.stream().map(FirewallRule::shown).toList();
        if (rdp.isEmpty()) {
            e.warn(rulesPath + ": no inbound TCP rule of the Remote Desktop group while the firewall is on in "
                    + String.join(", ", on) + ": connections to port " + port + " are dropped", enable);
        } else if (rdp.stream().noneMatch(FirewallRule::active)) {
            e.warn(rulesPath + ": the Remote Desktop rules are disabled (" + String.join("; ", shown)
                    + ") while the firewall is on in " + String.join(", ", on), enable);
        } else if (rdp.stream().noneMatch(r -> r.active() && r.allowsPort(port))) {
            e.warn(rulesPath + ": no enabled Remote Desktop rule admits port " + port + " (" + String.join("; ", shown) + ")",
                    "netsh advfirewall firewall add rule name=\"Remote Desktop " + port + "\" dir=in action=allow protocol=TCP localport=" + port);
        } else {
            e.ok(rulesPath + ": " + String.join("; ", shown) + ", firewall on in " + String.join(", ", on));
        }
    }
}
