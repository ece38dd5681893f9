package io.vhdflow.inspect.secrets;

/** The rules of the Windows secrets checks that are not file families, as the catalogue lists them. */
final class WindowsSecretRules {
    private WindowsSecretRules() {
    }

    static final String UNATTEND_PLAIN = "unattend-password";
    static final String UNATTEND_BASE64 = "unattend-password-base64";
    static final String SYSPREP_INF = "sysprep-inf-password";
    static final String WINLOGON = "winlogon-default-password";

    /** id, what it finds, where. */
    static final String[][] RULES = {
            {UNATTEND_PLAIN, "a Password, AdministratorPassword or AutoLogon password Value with PlainText true "
                    + "(or no PlainText)", "unattend.xml, autounattend.xml, sysprep.xml in \\, \\Windows\\Panther(\\Unattend), "
                    + "\\Windows\\System32\\Sysprep(\\Panther)"},
            {UNATTEND_BASE64, "the same with PlainText false: base64 of the password and a fixed suffix, not encryption",
                    "the same files"},
            {SYSPREP_INF, "AdminPassword= or DomainAdminPassword= with a value", "sysprep.inf in \\Sysprep, "
                    + "\\Windows\\System32\\Sysprep and the folders above"},
            {WINLOGON, "DefaultPassword with a value (automatic logon)",
                    "SOFTWARE Microsoft\\Windows NT\\CurrentVersion\\Winlogon"},
    };
}
