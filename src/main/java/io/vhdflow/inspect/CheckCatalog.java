package io.vhdflow.inspect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The registry of checks and OS inspectors: every concrete class under {@code io.vhdflow.inspect}
 * that implements {@link Check} or {@link OsInspector} and has a no-argument constructor. They are
 * found on vhdflow's own class path (its classes folder or its jar), so adding a check is adding a
 * class, and the catalogue in {@code docs/checks.md} is generated from this list
 * ({@code vhdflow checks --markdown}) and tested against it.
 */
public final class CheckCatalog {
    private static final String PACKAGE = "io/vhdflow/inspect/";

    private final List<Check<?>> checks;
    private final List<OsInspector<?>> inspectors;

    private CheckCatalog(List<Check<?>> checks, List<OsInspector<?>> inspectors) {
        this.checks = List.copyOf(checks);
        this.inspectors = List.copyOf(inspectors);
    }

    /** Holds the one scan of the class path; immutable once made. */
    private static final class Scanned {
        static final CheckCatalog CATALOG = scan();
    }

    /** The catalog of vhdflow's own checks and inspectors. */
    public static CheckCatalog standard() {
        return Scanned.CATALOG;
    }

    /**
     * This catalog without the checks whose ids are given: for fixtures made to exercise some checks
     * that lack the files others read (e.g. generalization trees without a boot loader).
     */
    public CheckCatalog without(java.util.Set<String> ids) {
        return new CheckCatalog(checks.stream().filter(c -> !ids.contains(c.id())).toList(), inspectors);
    }

    /** Every check, in catalogue order: container (G), then Linux (L), then Windows (W), by id. */
    public List<Check<?>> checks() {
        return checks;
    }

    /** The checks of one kind, e.g. {@code LinuxCheck.class}, in id order. */
    public <K> List<K> checks(Class<K> kind) {
        return checks.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** Every OS inspector (Windows before Linux: a Windows volume also holds files a Linux probe could match). */
    public List<OsInspector<?>> inspectors() {
        return inspectors;
    }

    private static CheckCatalog scan() {
        List<Check<?>> checks = new ArrayList<>();
        List<OsInspector<?>> inspectors = new ArrayList<>();
        for (Class<?> c : classes()) {
            if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || c.isAnonymousClass()) {
                continue;
            }
            if (Check.class.isAssignableFrom(c)) {
                checks.add((Check<?>) instantiate(c));
            } else if (OsInspector.class.isAssignableFrom(c)) {
                inspectors.add((OsInspector<?>) instantiate(c));
            }
        }
        checks.sort(Comparator.comparing((Check<?> c) -> family(c.id())).thenComparing(c -> c.id(), CheckCatalog::byId));
        inspectors.sort(Comparator.comparingInt(OsInspector::order));
        return new CheckCatalog(checks, inspectors);
    }

    private static int family(String id) {
        return switch (id.charAt(0)) {
            case 'G' -> 0;
            case 'L' -> 1;
            case 'W' -> 2;
            default -> 3;
        };
    }

    /** {@code L6 < L6B < L7 < L10}: letters, then the number as a number, then the suffix. */
    static int byId(String a, String b) {
        int c = prefix(a).compareTo(prefix(b));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(number(a), number(b));
        return c != 0 ? c : a.compareTo(b);
    }

    private static String prefix(String id) {
        int i = 0;
        while (i < id.length() && Character.isLetter(id.charAt(i))) {
            i++;
        }
        return id.substring(0, i);
    }

    private static int number(String id) {
        String p = prefix(id);
        int i = p.length();
        int j = i;
        while (j < id.length() && Character.isDigit(id.charAt(j))) {
            j++;
        }
        return j > i ? Integer.parseInt(id.substring(i, Math.min(j, i + 9))) : 0;
    }

    private static Object instantiate(Class<?> c) {
        try {
            var ctor = c.getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(c.getName() + " is registered by being a check or inspector but has no "
                    + "usable no-argument constructor", e);
        }
    }

    /** The classes under {@value #PACKAGE} in the folder or jar this class was loaded from. */
    private static List<Class<?>> classes() {
        ClassLoader loader = CheckCatalog.class.getClassLoader();
        List<String> names = new ArrayList<>();
        try {
            Path where = Path.of(CheckCatalog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(where)) {
                Path root = where.resolve(PACKAGE);
                try (Stream<Path> files = Files.walk(root)) {
                    files.map(p -> where.relativize(p).toString().replace('\\', '/'))
                            .filter(CheckCatalog::isTopLevelClass).forEach(names::add);
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        String n = entries.nextElement().getName();
                        if (n.startsWith(PACKAGE) && isTopLevelClass(n)) {
                            names.add(n);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list vhdflow's checks", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate vhdflow's classes", e);
        }
        List<Class<?>> out = new ArrayList<>();
        for (String n : names.stream().sorted().toList()) {
            String cls = n.substring(0, n.length() - ".class".length()).replace('/', '.');
            try {
                out.add(Class.forName(cls, false, loader));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("class " + cls + " listed but not loadable", e);
            }
        }
        return out;
    }

    private static boolean isTopLevelClass(String name) {
        return name.endsWith(".class") && !name.contains("$") && !name.endsWith("package-info.class");
    }
}
