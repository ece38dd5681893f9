package io.vhdflow.inspect.linux.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Boot Loader Specification entry ({@code loader/entries/<id>.conf}): one {@code key value} per
 * line. {@code options} may repeat (the values are joined), so may {@code initrd}.
 *
 * @param id      the file name without {@code .conf}: what {@code saved_entry} and {@code default} name
 * @param title   {@code title}
 * @param version {@code version}: the kernel release
 * @param linux   {@code linux}: the kernel, relative to the partition holding the entries
 * @param initrds {@code initrd} lines
 * @param options {@code options} joined by spaces
 * @param efi     {@code efi}: a unified kernel image, instead of linux/initrd
 */
public record BlsEntry(String id, Optional<String> title, Optional<String> version, Optional<String> linux,
                       List<String> initrds, Optional<String> options, Optional<String> efi) {

    public BlsEntry {
        initrds = List.copyOf(initrds);
    }

    public static BlsEntry parse(String id, String text) {
        Optional<String> title = Optional.empty();
        Optional<String> version = Optional.empty();
        Optional<String> linux = Optional.empty();
        Optional<String> efi = Optional.empty();
        List<String> initrds = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.indexOf(' ');
            int tab = line.indexOf('\t');
            int cut = sp < 0 ? tab : tab < 0 ? sp : Math.min(sp, tab);
            if (cut < 0) {
                continue;
            }
            String key = line.substring(0, cut);
            String value = line.substring(cut + 1).strip();
            switch (key) {
                case "title" -> title = Optional.of(value);
                case "version" -> version = Optional.of(value);
                case "linux" -> linux = Optional.of(value);
                case "efi" -> efi = Optional.of(value);
                case "initrd" -> initrds.addAll(List.of(value.split("\\s+")));
                case "options" -> options.add(value);
                default -> {
                }
            }
        }
        return new BlsEntry(id, title, version, linux, initrds,
                options.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", options)), efi);
    }

    /**
     * Newest first, as GRUB's {@code blscfg} and systemd-boot order entries: by version, compared
     * the rpm way (numeric runs numerically), then by id.
     */
    public static int newestFirst(BlsEntry a, BlsEntry b) {
        int c = compareVersions(b.version().orElse(b.id()), a.version().orElse(a.id()));
        return c != 0 ? c : b.id().compareTo(a.id());
    }

    /** rpmvercmp-like: runs of digits compare numerically, runs of letters lexically, digits beat letters. */
    public static int compareVersions(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && !Character.isLetterOrDigit(a.charAt(i))) {
                i++;
            }
            while (j < b.length() && !Character.isLetterOrDigit(b.charAt(j))) {
                j++;
            }
            if (i >= a.length() || j >= b.length()) {
                break;
            }
            boolean digits = Character.isDigit(a.charAt(i));
            int si = i;
            int sj = j;
            while (i < a.length() && (digits ? Character.isDigit(a.charAt(i)) : Character.isLetter(a.charAt(i)))) {
                i++;
            }
            while (j < b.length() && (digits ? Character.isDigit(b.charAt(j)) : Character.isLetter(b.charAt(j)))) {
                j++;
            }
            if (sj == j) {
                return digits ? 1 : -1;
            }
            String x = a.substring(si, i);
            String y = b.substring(sj, j);
            int c;
            if (digits) {
                x = x.replaceFirst("^0+(?=.)", "");
                y = y.replaceFirst("^0+(?=.)", "");
                c = x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        boolean aLeft = i < a.length();
        boolean bLeft = j < b.length();
        return aLeft == bLeft ? 0 : aLeft ? 1 : -1;
    }
}
