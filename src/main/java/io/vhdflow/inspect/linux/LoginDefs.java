package io.vhdflow.inspect.linux;

/**
 * The two {@code /etc/login.defs} settings the account checks need. Missing or unreadable values
 * fall back to shadow-utils' defaults (1000 and 60000).
 *
 * @param uidMin lowest UID given to ordinary (human) accounts
 * @param uidMax highest UID given to ordinary accounts
 */
public record LoginDefs(long uidMin, long uidMax) {

    public static final LoginDefs DEFAULTS = new LoginDefs(1000, 60000);

    public static LoginDefs parse(String text) {
        long min = DEFAULTS.uidMin;
        long max = DEFAULTS.uidMax;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length >= 2 && f[1].matches("\\d{1,10}")) {
                if (f[0].equals("UID_MIN")) {
                    min = Long.parseLong(f[1]);
                } else if (f[0].equals("UID_MAX")) {
                    max = Long.parseLong(f[1]);
                }
            }
        }
        if (max < min) {
            return DEFAULTS;
        }
        return new LoginDefs(min, max);
    }
}
