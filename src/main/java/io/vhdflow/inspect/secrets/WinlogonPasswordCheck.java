package io.vhdflow.inspect.secrets;

import io.vhdflow.disk.registry.RegistryValue;
import io.vhdflow.disk.registry.RegistryValueType;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.windows.WindowsCheck;
import io.vhdflow.inspect.windows.WindowsSystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * WS2: no automatic-logon password in the registry. Automatic logon configured the old way keeps
 * the password in clear in the SOFTWARE hive ({@code Winlogon\DefaultPassword}); every VM made from
 * the image would carry it, readable by any local user.
 */
public final class WinlogonPasswordCheck extends WindowsCheck {
    static final String KEY = "Microsoft\\Windows NT\\CurrentVersion\\Winlogon";

    public WinlogonPasswordCheck() {
        super("WS2", "no automatic-logon password in the registry (Winlogon DefaultPassword)", Category.SECRETS,
                Severity.MUST, "SOFTWARE Microsoft\\Windows NT\\CurrentVersion\\Winlogon DefaultPassword, AutoAdminLogon, "
                        + "DefaultUserName (the password's length only)",
                "Microsoft: turn on automatic logon in Windows (Winlogon AutoAdminLogon, DefaultUserName, "
                        + "DefaultPassword) — docs/checks.md#ws2",
                "in the source VM: reg delete \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\" /v "
                        + "DefaultPassword /f and set AutoAdminLogon to 0, then change that account's password");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        if (w.software().isEmpty()) {
            List<String> ev = new ArrayList<>(w.problems());
            ev.add(0, "the SOFTWARE hive could not be read");
            return notRun(ev.toArray(String[]::new));
        }
        String at = w.location() + ":SOFTWARE\\" + KEY;
        Optional<RegistryValue> pw = w.softwareValue(KEY, "DefaultPassword");
        String logon = text(w.softwareValue(KEY, "AutoAdminLogon")).map(v -> "AutoAdminLogon=" + v).orElse("AutoAdminLogon absent")
                + text(w.softwareValue(KEY, "DefaultUserName")).map(v -> ", DefaultUserName=" + v).orElse("");
        if (pw.isEmpty()) {
            return pass(at + ": no DefaultPassword (" + logon + ")");
        }
        String value = pw.get().type() == RegistryValueType.SZ || pw.get().type() == RegistryValueType.EXPAND_SZ
                ? pw.get().asString() : java.util.HexFormat.of().formatHex(pw.get().asBytes());
        if (value.isEmpty()) {
            return pass(at + ": DefaultPassword is empty (" + logon + ")");
        }
        SecretFinding f = SecretFinding.of(WindowsSecretRules.WINLOGON, SecretFamily.WINDOWS_PASSWORD,
                "SOFTWARE\\" + KEY + "\\DefaultPassword", 0, "automatic-logon password in clear (" + logon + ")", value);
        return fail(f.evidence(w.location()));
    }

    private static Optional<String> text(Optional<RegistryValue> v) throws IOException {
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(switch (v.get().type()) {
            case DWORD, DWORD_BIG_ENDIAN -> Long.toString(v.get().asDword());
            case SZ, EXPAND_SZ -> v.get().asString();
            default -> v.get().type().name();
        });
    }
}
