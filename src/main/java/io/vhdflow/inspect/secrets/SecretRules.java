package io.vhdflow.inspect.secrets;

import java.util.List;

/**
 * One family of rules of the secrets scan: which files it must read whatever their content, and
 * what it finds in a file. Every file the scan reads is offered to every family once.
 */
public interface SecretRules {

    /** A rule of the family as the catalogue lists it. */
    record Rule(String id, String finds, String where) {
    }

    SecretFamily family();

    /** The rules, for {@code docs/checks.md}. */
    List<Rule> rules();

    /**
     * Whether this family owns the file by its path (a credential file, cloud-init's user-data): it is
     * read even when its content is binary, and the token patterns leave it to this family.
     *
     * @param lowerPath the path in lower case with '/' separators ({@link ScannedFile#lowerPath()})
     */
    boolean owns(String lowerPath);

    /** Adds what the family finds in {@code file} to {@code out}. */
    void find(ScannedFile file, List<SecretFinding> out);
}
