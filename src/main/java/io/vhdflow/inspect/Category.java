package io.vhdflow.inspect;

import java.util.Locale;

/**
 * What a check protects, so a report can be read by what is at stake: whether the disk is in a
 * form Azure takes, whether VMs will provision, whether leftover access or secrets would be handed
 * to every VM, whether it boots on Hyper-V, or mere hygiene. The category also gives a check its
 * default severity ({@link #defaultSeverity()}): a failure blocks publication in every category but
 * hygiene, which warns. A check may declare less, and its entry in {@code docs/checks.md} says why.
 */
public enum Category {
    /** The disk's container and layout: format, size, partition table, generation (G checks). */
    CONTAINER("the disk is in a form Azure accepts", "Azure refuses the disk as it is"),
    /** A VM created from the image will provision (generalized, agent configured). */
    PROVISIONING("VMs created from the image will provision",
            "VMs created from it would fail to provision (OSProvisioningTimedOut)"),
    /** No leftover way to log in: passwords, keys, accounts, sudo rules, shell history. */
    ACCESS("no leftover way to log in", "every VM created from it would share a way to log in"),
    /** No credential material: private keys, cloud and tool credentials, tokens. */
    SECRETS("no credential material left behind", "every VM created from it would carry the same credentials"),
    /** The image boots on Hyper-V / Azure: drivers, boot loader, mounts, settings. */
    BOOT("the image boots on Hyper-V and Azure", "VMs created from it may not boot on Azure"),
    /** Logs, leases, identities and other leftovers that are untidy rather than dangerous. */
    HYGIENE("no logs, leases or identity left from the source VM",
            "VMs created from it would keep the source VM's logs, leases or identity");

    private final String question;
    private final String risk;

    Category(String question, String risk) {
        this.question = question;
        this.risk = risk;
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

    /** What goes wrong when the category fails, in a few words. */
    public String risk() {
        return risk;
    }

    /** Whether a failure in this category blocks by default: every category but hygiene. */
    public boolean blocksByDefault() {
        return this != HYGIENE;
    }

    /** The severity a check of this category has unless it declares another: MUST, or SHOULD for hygiene. */
    public Severity defaultSeverity() {
        return blocksByDefault() ? Severity.MUST : Severity.SHOULD;
    }
}
