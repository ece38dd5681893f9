package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.util.List;

/**
 * The superblock sets "incompatible" feature bits this reader does not implement (encryption,
 * compression, dirdata, an external journal device, or bits unknown to it). Reading on could
 * return wrong data, so the filesystem is refused; the features are named so an operator knows
 * what to look for.
 */
public final class Ext4UnsupportedFeatureException extends DiskException {
    private static final long serialVersionUID = 1L;

    private final List<String> features;

    Ext4UnsupportedFeatureException(long offset, List<String> features) {
        super(ErrorKind.UNSUPPORTED, "ext4 superblock s_feature_incompat", offset,
                "uses incompatible feature(s) this reader does not support: " + String.join(", ", features)
                        + "; the filesystem cannot be read safely offline");
        this.features = List.copyOf(features);
    }

    /** Names of the unsupported features, e.g. {@code encrypt} or {@code incompat_0x80000000}. */
    public List<String> features() {
        return features;
    }
}
