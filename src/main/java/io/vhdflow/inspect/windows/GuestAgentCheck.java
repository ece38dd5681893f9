package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.List;

/**
 * W12: the Azure VM Agent is installed ({@code WindowsAzureGuestAgent} and {@code RdAgent}
 * services): without it VM extensions (password reset, RDP repair, monitoring) do not run.
 */
public final class GuestAgentCheck extends WindowsCheck {
    static final List<String> SERVICES = List.of("WindowsAzureGuestAgent", "RdAgent");
    static final String INSTALL = "install the Azure VM Agent in the source VM (https://go.microsoft.com/fwlink/?LinkID=394789) before Sysprep";

    public GuestAgentCheck() {
        super("W12", "Azure VM Agent installed (WindowsAzureGuestAgent, RdAgent)", Category.PROVISIONING, Severity.SHOULD,
                "SYSTEM current control set: Services\\WindowsAzureGuestAgent and Services\\RdAgent (Start, ImagePath)",
                "Prepare a Windows VHD to upload to Azure, 'Complete the recommended configurations'; Azure VM Agent "
                        + "overview; Packer azure-arm waits for these services before Sysprep — docs/checks.md#w12",
                INSTALL);
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        return inControlSet(w, e -> read(w, e));
    }

    private static void read(WindowsSystem w, Evidence e) throws IOException {
        for (String s : SERVICES) {
            RegistryReading start = w.controlSet("Services\\" + s, "Start");
            String key = w.where(start.path().substring(0, start.path().length() - "\\Start".length()));
            if (w.controlSetKey("Services\\" + s).isEmpty()) {
                e.warn(key + ": absent, the service is not installed", INSTALL);
                continue;
            }
            String path = w.controlSet("Services\\" + s, "ImagePath").text().map(p -> ", ImagePath " + p).orElse("");
            if (start.is(4)) {
                e.warn(found(w, start, "not 4 (disabled)") + path, scConfig(s, 2));
            } else {
                String shown = startShown(start);
                e.ok(w.where(start.path()) + " = " + shown + path);
            }
        }
    }
}
