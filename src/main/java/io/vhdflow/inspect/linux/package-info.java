/**
 * Offline checks of a Linux installation: {@link io.vhdflow.inspect.linux.LinuxInspector} finds a
 * Linux root ({@link io.vhdflow.inspect.linux.LinuxOsDetector}: identity, provisioning agents),
 * builds a {@link io.vhdflow.inspect.linux.LinuxContext} and runs every
 * {@link io.vhdflow.inspect.linux.LinuxCheck} the catalogue registers (this package's provisioning,
 * access, boot and hygiene checks; the secrets checks live in {@code io.vhdflow.inspect.secrets}).
 * Each check returns evidence naming the location, the path and what was read;
 * {@link io.vhdflow.inspect.VerdictRule} decides what the results mean.
 *
 * <p>Check ids and their sources are listed in {@code docs/checks.md}; ids with a letter extend a
 * numbered check: {@code L6B} (backup copies of the account files), {@code L7K} (authorized_keys),
 * {@code L7S} (sudo rules), {@code L9B} (waagent resource-disk and auto-update settings).
 */
package io.vhdflow.inspect.linux;
