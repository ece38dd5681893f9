package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.List;

/**
 * W9: the services a VM needs for network connectivity start as Microsoft documents ("Check the
 * Windows services": the minimum to ensure VM connectivity). The table is {@link #EXPECTED}; its
 * copy in {@code docs/checks.md} is checked against it by a test.
 */
public final class ServiceStartTypesCheck extends WindowsCheck {

    /**
     * One service and the start type it should have.
     *
     * @param service     the service's key name under {@code Services}
     * @param displayName what the Services console calls it
     * @param start       {@code Start}: 2 automatic, 3 manual
     */
    public record ServiceStart(String service, String displayName, long start) {
    }

    /** Source: "Prepare a Windows VHD to upload to Azure", section "Check the Windows services". */
    public static final List<ServiceStart> EXPECTED = List.of(
            new ServiceStart("BFE", "Base Filtering Engine", 2),
            new ServiceStart("Dhcp", "DHCP Client", 2),
            new ServiceStart("Dnscache", "DNS Client", 2),
            new ServiceStart("IKEEXT", "IKE and AuthIP IPsec Keying Modules", 2),
            new ServiceStart("iphlpsvc", "IP Helper", 2),
            new ServiceStart("nsi", "Network Store Interface Service", 2),
            new ServiceStart("mpssvc", "Windows Defender Firewall", 2),
            new ServiceStart("RemoteRegistry", "Remote Registry", 2),
            new ServiceStart("Netlogon", "Netlogon", 3),
            new ServiceStart("Netman", "Network Connections", 3),
            new ServiceStart("TermService", "Remote Desktop Services", 3));

    public ServiceStartTypesCheck() {
        super("W9", "Connectivity services at their documented start types", Category.PROVISIONING, Severity.SHOULD,
                "SYSTEM current control set: Services\\{service} Start for the services in the W9 table below",
                "Prepare a Windows VHD to upload to Azure, 'Check the Windows services' — docs/checks.md#w9",
                "in the source VM, for each service listed: sc config <service> start= auto|demand");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        return inControlSet(w, e -> read(w, e));
    }

    private static void read(WindowsSystem w, Evidence e) throws IOException {
        for (ServiceStart s : EXPECTED) {
            RegistryReading start = w.controlSet("Services\\" + s.service(), "Start");
            String wanted = startType(s.start());
            if (w.controlSetKey("Services\\" + s.service()).isEmpty()) {
                e.warn(w.where(start.path()) + ": the service (" + s.displayName() + ") is not installed, wanted " + wanted,
                        "install or restore " + s.service() + " (" + s.displayName() + ")");
            } else if (start.is(s.start())) {
                e.ok(w.where(start.path()) + " = " + wanted);
            } else {
                String shown = startShown(start);
                e.warn(found(w, start, shown, wanted), scConfig(s.service(), s.start()));
            }
        }
    }
}
