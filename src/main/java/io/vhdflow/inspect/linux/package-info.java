/**
 * Offline Linux generalization checks (anchors §1, §2.3): find a Linux root, read its identity and
 * provisioning agents, and prove with evidence whether it was deprovisioned.
 *
 * <p>Use: {@link io.vhdflow.inspect.linux.LinuxOsDetector#detect} on each filesystem with its
 * location string; for the root found, build a {@link io.vhdflow.inspect.linux.LinuxContext}
 * (filesystem, detected {@link io.vhdflow.inspect.linux.LinuxOs}, {@link io.vhdflow.inspect.linux.LinuxPolicy},
 * swap partitions reported by the volume layer) and call
 * {@link io.vhdflow.inspect.linux.LinuxChecks#run} with the waived check ids. The returned
 * {@link io.vhdflow.inspect.OsAssessment} holds every {@link io.vhdflow.inspect.CheckResult}
 * and the verdict they support.
 *
 * <p>Check ids follow anchors §2.3 (L1–L10, L14, L17, L20); three extensions carry a letter:
 * {@code L6B} (password hashes in backup account files), {@code L7K} (authorized_keys of root and
 * every user), {@code L9B} (waagent resource-disk and auto-update settings).
 */
package io.vhdflow.inspect.linux;
