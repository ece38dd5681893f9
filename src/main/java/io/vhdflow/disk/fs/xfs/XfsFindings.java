package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.Finding;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The findings of one XFS filesystem, from every part of the reader, each once, at most
 * {@value #MAX_FINDINGS} of them so a damaged image cannot grow the list without bound.
 * Thread-safe.
 */
final class XfsFindings implements Consumer<Finding> {
    private static final int MAX_FINDINGS = 1000;

    private final Set<Finding> findings = new LinkedHashSet<>();

    @Override
    public void accept(Finding f) {
        synchronized (findings) {
            if (findings.size() < MAX_FINDINGS) {
                findings.add(f);
            }
        }
    }

    List<Finding> list() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }
}
