package io.vhdflow.inspect.packages;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What is installed on one operating system of the image: its package databases and their
 * packages. The report carries it (counts and the list), {@code inspect --sbom} and the pipeline
 * turn it into a CycloneDX SBOM.
 *
 * @param location  where the OS is on the disk, e.g. {@code gpt:p3/ext4}
 * @param os        {@code Linux} or {@code Windows}
 * @param osId      distribution id ({@code debian}, {@code rhel}) or {@code windows}
 * @param osVersion distribution or product version, when known
 * @param databases the databases found (none: nothing known is installed)
 * @param packages  every package read, in database order
 */
public record SoftwareInventory(String location, String os, String osId, Optional<String> osVersion,
                               List<PackageDatabase> databases, List<InstalledPackage> packages) {

    public SoftwareInventory {
        databases = List.copyOf(databases);
        packages = List.copyOf(packages);
    }

    /** Packages per architecture ({@code none} when the database does not record one). */
    public Map<String, Long> byArchitecture() {
        Map<String, Long> out = new TreeMap<>();
        for (InstalledPackage p : packages) {
            out.merge(p.arch().orElse("none"), 1L, Long::sum);
        }
        return out;
    }

    /** The first package of that name. */
    public Optional<InstalledPackage> find(String name) {
        return packages.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The database problems, one line each. */
    public List<String> problems() {
        return databases.stream().filter(d -> d.problem().isPresent())
                .map(d -> d.path() + " (" + d.format() + "): " + d.problem().get()).toList();
    }
}
