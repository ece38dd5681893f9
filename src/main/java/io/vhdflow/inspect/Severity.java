package io.vhdflow.inspect;

/** How much a failed check matters (anchors legend). */
public enum Severity {
    /** Azure fails or refuses the image without it. */
    MUST,
    /** A documented requirement or recommendation. */
    SHOULD,
    /** A useful signal only. */
    INFO
}
