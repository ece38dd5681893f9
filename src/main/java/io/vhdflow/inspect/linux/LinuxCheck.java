package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Check;

/**
 * One offline check of a Linux installation. Implementations read the image through
 * {@link LinuxContext} only, return evidence naming the volume, the path and what was read, and are
 * found by {@link io.vhdflow.inspect.CheckCatalog}: a new class here is a new check.
 */
public interface LinuxCheck extends Check<LinuxContext> {
}
