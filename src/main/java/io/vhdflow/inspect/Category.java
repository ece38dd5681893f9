package io.vhdflow.inspect;

import java.util.Locale;

/**
 * What a check protects, so a report can be read by what is at stake: whether the disk is in a
 * form Azure takes, whether VMs will provision, whether leftover access or secrets would be handed
 * to every VM, whether it boots on Hyper-V, or mere hygiene.
 */
public enum Category {
    /** The disk's container and layout: format, size, partition table, generation (G checks). */
    CONTAINER("the disk is in a form Azure accepts"),
    /** A VM created from the image will provision (generalized, agent configured). */
    PROVISIONING("VMs created from the image will provision"),
    /** No leftover way to log in: passwords, keys, accounts, sudo rules, shell history. */
    ACCESS("no leftover way to log in"),
    /** No credential material: private keys, cloud and tool credentials, tokens. */
    SECRETS("no credential material left behind"),
    /** The image boots on Hyper-V / Azure: drivers, boot loader, mounts, settings. */
    BOOT("the image boots on Hyper-V and Azure"),
    /** Logs, leases, identities and other leftovers that are untidy rather than dangerous. */
    HYGIENE("no logs, leases or identity left from the source VM");

    private final String question;

    Category(String question) {
        this.question = question;
    }

    /** The category's name in reports and JSON: {@code container}, {@code provisioning}, ... */
    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a passing category means, in a few words. */
    public String question() {
        return question;
    }
}
