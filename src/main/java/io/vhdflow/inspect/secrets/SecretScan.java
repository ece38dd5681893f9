package io.vhdflow.inspect.secrets;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one secrets scan of an installation found and covered.
 *
 * @param findings   every finding, in the order found
 * @param places     the places scanned, in order (directories and files)
 * @param excluded   what was left out on purpose and why (e.g. host keys, judged by L5)
 * @param filesRead  files whose content was read
 * @param bytesRead  bytes of file content read
 * @param binary     files skipped as binary by their content
 * @param partial    text files read in their first part only (the per-file limit), at most a few named
 * @param partialCount how many text files were read in part
 * @param unreadable files that could not be read, each with why (at most a few named)
 * @param cutShort   why the scan stopped before covering every place, when it did
 * @param elapsed    how long it took
 */
public record SecretScan(List<SecretFinding> findings, List<String> places, List<String> excluded, int filesRead,
                         long bytesRead, int binary, List<String> partial, int partialCount, List<String> unreadable,
                         Optional<String> cutShort, Duration elapsed) {

    public SecretScan {
        findings = List.copyOf(findings);
        places = List.copyOf(places);
        excluded = List.copyOf(excluded);
        partial = List.copyOf(partial);
        unreadable = List.copyOf(unreadable);
    }

    /** The findings of one family. */
    public List<SecretFinding> of(SecretFamily family) {
        return findings.stream().filter(f -> f.family() == family).toList();
    }

    /** Whether every place was covered: not cut short, no text file read in part, no file unreadable. */
    public boolean complete() {
        return cutShort.isEmpty() && partialCount == 0 && unreadable.isEmpty();
    }

    /** One line on what the scan covered, for evidence. */
    public String summary(String location) {
        return "scanned " + filesRead + " file" + (filesRead == 1 ? "" : "s") + " (" + bytesRead + " bytes, " + binary
                + " binary skipped) in " + elapsed.toMillis() + " ms: " + String.join(", ",
                places.stream().map(p -> location + ":" + p).toList());
    }
}
