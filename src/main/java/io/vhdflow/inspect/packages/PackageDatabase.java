package io.vhdflow.inspect.packages;

import java.util.Optional;

/**
 * One package database found on the image and what reading it gave.
 *
 * @param format   {@code dpkg}, {@code rpm-sqlite}, {@code rpm-bdb}, {@code rpm-ndb}, {@code apk},
 *                 {@code windows-uninstall}
 * @param path     where it was read, e.g. {@code /var/lib/dpkg/status}
 * @param packages how many packages it listed
 * @param problem  why it could not be read (or not entirely), when so
 */
public record PackageDatabase(String format, String path, int packages, Optional<String> problem) {
}
