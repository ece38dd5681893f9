package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The findings of one XFS filesystem, from every part of the reader, each once, at most
 * {@value #MAX_FINDINGS} of them so a damaged image cannot grow the list without bound.
 * A structure that fails its CRC is recorded here and its read fails ({@link #damaged}): nothing is
 * built on metadata known to be damaged. Thread-safe.
 */
final class XfsFindings implements Consumer<Finding> {
    private static final int MAX_FINDINGS = 1000;

    private final Set<Finding> findings = new LinkedHashSet<>();
    private final boolean failOnDamage;

    /**
     * @param failOnDamage whether a structure failing its CRC fails its read (what every caller
     *                     wants) or is only reported (for tests of the structural bounds, which must
     *                     hold even when a forger recomputed the CRCs)
     */
    XfsFindings(boolean failOnDamage) {
        this.failOnDamage = failOnDamage;
    }

    @Override
    public void accept(Finding f) {
        synchronized (findings) {
            if (findings.size() < MAX_FINDINGS) {
                findings.add(f);
            }
        }
    }

    /**
     * Records {@code f}, a CRC failure of {@code structure}, in {@code findings} and fails the read
     * with an error naming the structure and its offset, unless {@code findings} only reports damage.
     */
    static void damaged(Consumer<Finding> findings, Finding f, String structure) throws DiskException {
        findings.accept(f);
        if (!(findings instanceof XfsFindings x) || x.failOnDamage) {
            throw new DiskException(ErrorKind.CORRUPT, structure, f.offset(), f.detail());
        }
    }

    List<Finding> list() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }
}
