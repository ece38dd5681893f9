package io.vhdflow.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.Map;

/**
 * Tests that need something outside the JVM: a tool to cross-check against (qemu-img,
 * hivexregedit, sfdisk, ...), Azurite, a browser. Where it is missing, a developer's run skips the
 * test (the reason is printed on the console by {@link TestReportLog}), but a CI run fails it: a
 * cross-check that skips in CI is not a check. CI is marked by {@value #CI_VARIABLE}{@code =1},
 * which {@code .ci/run} exports after installing every one of these.
 */
public final class ExternalTools {
    /** The environment variable that marks a CI run. */
    public static final String CI_VARIABLE = "VHDFLOW_CI";
    private static final System.Logger LOG = System.getLogger(ExternalTools.class.getName());

    private ExternalTools() {
    }

    /** Whether this is a CI run, where nothing may be skipped for want of a tool. */
    public static boolean inCi() {
        return inCi(System.getenv());
    }

    static boolean inCi(Map<String, String> environment) {
        String v = environment.get(CI_VARIABLE);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    /** Requires {@code tool} on the PATH; {@code debianPackage} is what installs it. */
    public static void require(String tool, String debianPackage) {
        require(Fixtures.toolInstalled(tool), missing(tool, debianPackage));
    }

    /** Requires what {@code available} says is there; {@code missing} says what is missing and how to get it. */
    public static void require(boolean available, String missing) {
        require(available, missing, inCi());
    }

    static void require(boolean available, String missing, boolean ci) {
        if (available) {
            return;
        }
        if (ci) {
            failInCi(missing);
        }
        Assumptions.abort(missing);
    }

    /**
     * For a cross-check that is one part of a larger test: whether {@code tool} is installed. When it
     * is not, a CI run fails; elsewhere the part is left out (said on the console) and the rest of
     * the test still runs.
     */
    public static boolean available(String tool, String debianPackage) {
        if (Fixtures.toolInstalled(tool)) {
            return true;
        }
        String missing = missing(tool, debianPackage);
        if (inCi()) {
            failInCi(missing);
        }
        LOG.log(System.Logger.Level.WARNING, "cross-check left out: {0}", missing);
        return false;
    }

    private static String missing(String tool, String debianPackage) {
        return tool + " is not installed (Debian package " + debianPackage + ")";
    }

    private static void failInCi(String missing) {
        Assertions.fail(missing + "; a CI run (" + CI_VARIABLE + "=1) must not skip it: .ci/run installs it");
    }
}
