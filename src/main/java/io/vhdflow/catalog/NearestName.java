package io.vhdflow.catalog;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean …?": the known name nearest to a misspelt one, for configuration keys, their
 * values and sidecar fields alike. Nearest by edit distance ignoring case, a swap of two
 * neighbouring letters counting as one edit; offered only when close enough to be a slip (at
 * most a third of the word's letters, at least one). A word that begins exactly one name (at
 * least three letters, "azure" for "azure-platform") is that name cut short.
 */
public final class NearestName {
    private NearestName() {
    }

    public static Optional<String> of(String word, Collection<String> names) {
        String w = word.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String n : names) {
            int d = distance(w, n.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = n;
                bestDistance = d;
            }
        }
        if (best == null || best.equals(word)) {
            return Optional.empty();
        }
        if (w.length() >= 3) {
            java.util.List<String> starting = names.stream()
                    .filter(n -> n.toLowerCase(Locale.ROOT).startsWith(w) && !n.equals(word)).toList();
            if (starting.size() == 1 && bestDistance > 0) {
                return Optional.of(starting.get(0));
            }
        }
        int allowed = Math.max(1, Math.min(word.length(), best.length()) / 3);
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Edit distance (optimal string alignment: insert, delete, replace, swap of neighbours). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
