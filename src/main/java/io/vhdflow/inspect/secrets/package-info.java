/**
 * The secrets scan: credential material left in an image, found offline without ever printing it.
 *
 * <p>{@link io.vhdflow.inspect.secrets.SecretScanner} walks the places where credentials are left
 * (homes, {@code /etc}, the agent's and cloud-init's state, {@code /opt}, {@code /srv}; on Windows
 * the profiles, {@code Panther} and {@code Sysprep}) within a {@link io.vhdflow.inspect.ScanBudget},
 * reads each file once and hands it to every rule family ({@link io.vhdflow.inspect.secrets.SecretRules}:
 * private keys, credential files, cloud-init data, token patterns). The checks (one per family and
 * OS, plus the scan's coverage) judge the findings of that one scan. A finding's evidence is its
 * rule id, path, line, the value's length and a short SHA-256 prefix: enough to find and compare
 * it, never the value. The rules are listed in {@code docs/checks.md}.
 */
package io.vhdflow.inspect.secrets;
