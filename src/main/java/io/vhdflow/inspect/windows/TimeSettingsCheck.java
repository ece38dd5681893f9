package io.vhdflow.inspect.windows;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;

/**
 * W8: the clock is kept in UTC ({@code RealTimeIsUniversal} = 1: Hyper-V gives the VM UTC) and the
 * Windows Time service starts automatically, so a VM made from the image has the right time.
 */
public final class TimeSettingsCheck extends WindowsCheck {
    static final String TZ = "Control\\TimeZoneInformation";

    public TimeSettingsCheck() {
        super("W8", "Clock in UTC and Windows Time starting automatically", Category.BOOT, Severity.SHOULD,
                "SYSTEM current control set: Control\\TimeZoneInformation RealTimeIsUniversal, Services\\w32time Start",
                "Prepare a Windows VHD to upload to Azure, 'Set Windows configurations for Azure' step 4 — docs/checks.md#w8",
                "in the source VM: " + regAddControlSet(TZ, "RealTimeIsUniversal", 1) + "; " + scConfig("w32time", 2));
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        return inControlSet(w, e -> read(w, e));
    }

    private static void read(WindowsSystem w, Evidence e) throws IOException {
        RegistryReading utc = w.controlSet(TZ, "RealTimeIsUniversal");
        if (utc.is(1)) {
            e.ok(found(w, utc, "1"));
        } else {
            e.warn(found(w, utc, "1") + ": Windows reads the hardware clock as local time, Hyper-V keeps it in UTC",
                    regAddControlSet(TZ, "RealTimeIsUniversal", 1));
        }
        RegistryReading start = w.controlSet("Services\\w32time", "Start");
        if (start.is(2)) {
            e.ok(found(w, start, startType(2)));
        } else {
            e.warn(found(w, start, startType(2)) + (start.present() ? "" : ": the Windows Time service is not installed"),
                    scConfig("w32time", 2));
        }
    }
}
