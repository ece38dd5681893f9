package io.vhdflow.catalog.upload;

import java.util.regex.Pattern;

/**
 * Removes credentials from text bound for logs, errors and reports: account keys and shared
 * access signatures in connection strings, and SAS query strings on URLs.
 */
public final class Redaction {
    private static final Pattern ACCOUNT_KEY = Pattern.compile("(?i)(AccountKey=)[^;\\s]*");
    private static final Pattern SAS_SIGNATURE = Pattern.compile("(?i)(SharedAccessSignature=)[^;\\s]*");
    private static final Pattern SIG_PARAM = Pattern.compile("(?i)([?&]sig=)[^&\\s\"']*");
    private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s?\"']+)\\?[^\\s\"']*");

    private Redaction() {
    }

    /** {@code text} with every key, signature and URL query replaced by {@code ***}. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String s = ACCOUNT_KEY.matcher(text).replaceAll("$1***");
        s = SAS_SIGNATURE.matcher(s).replaceAll("$1***");
        s = SIG_PARAM.matcher(s).replaceAll("$1***");
        return URL_QUERY.matcher(s).replaceAll("$1?***");
    }

    /** A URL without its query string (where a SAS token lives). */
    public static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
