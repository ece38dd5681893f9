package io.vhdflow.inspect.windows;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.registry.Hive;
import io.vhdflow.disk.registry.RegistryKey;
import io.vhdflow.disk.registry.RegistryValue;
import io.vhdflow.disk.registry.RegistryValueType;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Boot Configuration Data store ({@code \Boot\BCD} on a BIOS disk, {@code \EFI\Microsoft\Boot\BCD}
 * on the ESP), read through the regf hive reader: a BCD store is a registry hive.
 *
 * <p>Layout, as Windows writes it (the names bcdedit shows are in {@link #NAMES}):
 * <pre>
 *   Objects\{guid}\Description  value Type (REG_DWORD): the object type
 *   Objects\{guid}\Elements\&lt;8 hex digits&gt;  value Element: one element, the key name is its type
 * </pre>
 * Element type, 32 bits: bits 28-31 class (1 library, 2 application, 3 device, 5 OEM), bits 24-27
 * format, bits 0-23 subtype. The format decides how {@code Element} is stored: 1 device (REG_BINARY,
 * not read here), 2 string (REG_SZ), 3 object (REG_SZ holding a {@code {guid}}), 4 object list
 * (REG_MULTI_SZ), 5 integer (REG_BINARY, 8 bytes little-endian), 6 boolean (REG_BINARY, 1 byte,
 * non-zero = yes), 7 integer list (REG_BINARY, not read here).
 *
 * <p>Object type, 32 bits: bits 28-31 object code (1 application, 2 inheritable settings, 3
 * device); for applications bits 20-23 the image type (1 firmware, 2 boot application) and bits 0-19
 * the application (1 firmware boot manager, 2 boot manager, 3 OS loader, 4 resume loader, 5 memory
 * diagnostic). So {@code 0x10100002} is the Windows Boot Manager and {@code 0x10200003} a Windows
 * loader. An object inherits the elements of the objects listed in its {@code inherit}
 * element ({@code 0x14000006}), depth first in list order, its own elements taking precedence.
 * Sources: ReactOS {@code boot/environ/include/bcd.h}; Microsoft's BcdElementType and
 * BcdObjectType documentation; the real store in {@code fixtures/registry/regipy-BCD}.
 */
public final class BcdStore {
    /** The Windows Boot Manager, {@code {bootmgr}}: the same well-known id in every store. */
    public static final String BOOTMGR = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}";
    /** {@code {emssettings}}: EMS port and speed, inherited by loaders through {@code {globalsettings}}. */
    public static final String EMSSETTINGS = "{0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9}";

    /** Element types read by the checks (library class 1, application class 2). */
    public static final int APPLICATION_PATH = 0x12000002;
    public static final int DESCRIPTION = 0x12000004;
    public static final int INHERIT = 0x14000006;
    public static final int RECOVERY_ENABLED = 0x16000009;
    public static final int BOOT_EMS = 0x16000020;
    public static final int EMS_PORT = 0x15000022;
    public static final int EMS_BAUD_RATE = 0x15000023;
    public static final int SYSTEM_ROOT = 0x22000002;
    public static final int DEFAULT_OBJECT = 0x23000003;
    public static final int OS_EMS = 0x260000B0;
    public static final int BOOT_STATUS_POLICY = 0x250000E0;

    /** Object types: the boot manager and a Windows OS loader. */
    public static final long TYPE_BOOT_MANAGER = 0x10100002L;
    public static final long TYPE_OS_LOADER = 0x10200003L;

    /** bcdedit's names for the elements above. */
    static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(APPLICATION_PATH, "path"), Map.entry(DESCRIPTION, "description"),
            Map.entry(INHERIT, "inherit"), Map.entry(RECOVERY_ENABLED, "recoveryenabled"),
            Map.entry(BOOT_EMS, "bootems"), Map.entry(EMS_PORT, "emsport"), Map.entry(EMS_BAUD_RATE, "emsbaudrate"),
            Map.entry(SYSTEM_ROOT, "systemroot"), Map.entry(DEFAULT_OBJECT, "default"), Map.entry(OS_EMS, "ems"),
            Map.entry(BOOT_STATUS_POLICY, "bootstatuspolicy"));

    /** bcdedit's aliases of the well-known objects, for evidence. */
    static final Map<String, String> ALIASES = Map.of(
            BOOTMGR, "{bootmgr}",
            EMSSETTINGS, "{emssettings}",
            "{7ea2e1ac-2e61-4728-aaa3-896d9d0a9f0e}", "{globalsettings}",
            "{6efb52bf-1766-41db-a6b3-0ee5eff72bd7}", "{bootloadersettings}",
            "{4636856e-540f-4170-a130-a84776f4c654}", "{dbgsettings}",
            "{7ff607e0-4395-11db-b0de-0800200c9a66}", "{hypervisorsettings}",
            "{5189b25c-5558-4bf2-bca4-289b11bd29e2}", "{badmemory}",
            "{1afa9c49-16ab-4a5c-901b-212802da9460}", "{resumeloadersettings}",
            "{a5a30fa2-3d06-4e9f-b5f4-a01df9d1fcba}", "{fwbootmgr}",
            "{b2721d73-1db4-4c62-bf78-c548a880142d}", "{memdiag}");

    /** Inheritance deeper or wider than this is not a real store (Windows' own chains are 3-4 deep). */
    static final int MAX_INHERITED_OBJECTS = 64;

    private final Hive hive;
    private final RegistryKey objects;
    private final String location;

    private BcdStore(Hive hive, RegistryKey objects, String location) {
        this.hive = hive;
        this.objects = objects;
        this.location = location;
    }

    /**
     * The store in {@code hive}, found at {@code location} (for evidence, e.g.
     * {@code gpt:p1/fat16:/EFI/Microsoft/Boot/BCD}).
     *
     * @throws DiskException CORRUPT when the hive has no {@code Objects} key: not a BCD store
     */
    public static BcdStore of(Hive hive, String location) throws IOException {
        Optional<RegistryKey> objects = hive.root().subkey("Objects");
        if (objects.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, "BCD store " + location, hive.root().offset(),
                    "the hive has no Objects key: not a Boot Configuration Data store");
        }
        return new BcdStore(hive, objects.get(), location);
    }

    public String location() {
        return location;
    }

    public Hive hive() {
        return hive;
    }

    /** The object with this id ({@code {guid}}, any case). */
    public Optional<BcdObject> object(String id) throws IOException {
        Optional<RegistryKey> k = objects.subkey(id);
        if (k.isEmpty()) {
            return Optional.empty();
        }
        Optional<RegistryKey> d = k.get().subkey("Description");
        Optional<RegistryValue> type = d.isEmpty() ? Optional.empty() : d.get().value("Type");
        long t = -1;
        if (type.isPresent()) {
            RegistryReading r = new RegistryReading("Description\\Type", type);
            t = r.number().orElse(-1);
        }
        return Optional.of(new BcdObject(k.get().name().toLowerCase(Locale.ROOT), k.get(), t));
    }

    /** The Windows Boot Manager object, {@code {bootmgr}}. */
    public Optional<BcdObject> bootManager() throws IOException {
        return object(BOOTMGR);
    }

    /** The element of {@code type} set on {@code object} itself. */
    public Optional<BcdElement> element(BcdObject object, int type) throws IOException {
        Optional<RegistryKey> elements = object.key().subkey("Elements");
        if (elements.isEmpty()) {
            return Optional.empty();
        }
        Optional<RegistryKey> e = elements.get().subkey(String.format("%08x", type));
        if (e.isEmpty()) {
            return Optional.empty();
        }
        Optional<RegistryValue> v = e.get().value("Element");
        return v.map(value -> new BcdElement(object.id(), type, value));
    }

    /**
     * The element of {@code type} as the boot manager sees it for {@code object}: its own, else the
     * first found in the objects it inherits, depth first in list order. Cycles and chains of
     * more than {@link #MAX_INHERITED_OBJECTS} objects stop the search (a hostile store cannot loop).
     */
    public Optional<BcdElement> effective(BcdObject object, int type) throws IOException {
        Set<String> seen = new HashSet<>();
        Deque<BcdObject> todo = new ArrayDeque<>();
        todo.push(object);
        while (!todo.isEmpty()) {
            BcdObject o = todo.pop();
            if (!seen.add(o.id())) {
                continue;
            }
            if (seen.size() > MAX_INHERITED_OBJECTS) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "BCD store " + location, o.key().offset(),
                        "object " + object.id() + " inherits from more than " + MAX_INHERITED_OBJECTS + " objects");
            }
            Optional<BcdElement> own = element(o, type);
            if (own.isPresent()) {
                return own;
            }
            Optional<BcdElement> inherit = element(o, INHERIT);
            if (inherit.isPresent()) {
                List<String> parents = inherit.get().objects();
                for (int i = parents.size() - 1; i >= 0; i--) {
                    Optional<BcdObject> p = object(parents.get(i));
                    p.ifPresent(todo::push);
                }
            }
        }
        return Optional.empty();
    }

    /** Where an element lives, for evidence: {@code <store>: Objects\{guid}\Elements\250000e0 (bootstatuspolicy)}. */
    public String where(String objectId, int type) {
        return location + ": Objects\\" + objectId + "\\Elements\\" + String.format("%08x", type) + " ("
                + NAMES.getOrDefault(type, "element") + ")";
    }

    /** The bcdedit alias of a well-known object id, or the id itself. */
    public static String alias(String id) {
        return ALIASES.getOrDefault(id.toLowerCase(Locale.ROOT), id);
    }

    /**
     * One BCD object.
     *
     * @param id   its {@code {guid}}, lower case
     * @param key  its key under {@code Objects}
     * @param type {@code Description\Type}, or -1 when missing
     */
    public record BcdObject(String id, RegistryKey key, long type) {
        /** A Windows OS loader ({@code winload}): application, boot application image, OS loader. */
        public boolean isOsLoader() {
            return (type & 0xF0000000L) == 0x10000000L && (type & 0xFFFFF) == 3;
        }

        /** The id with its bcdedit alias when it has one: {@code {bootmgr}}. */
        public String shown() {
            String a = alias(id);
            return a.equals(id) ? id : a + " " + id;
        }
    }

    /**
     * One element of one object.
     *
     * @param objectId the object it is set on (for an inherited element, the ancestor)
     * @param type     the element type
     * @param value    the {@code Element} value
     */
    public record BcdElement(String objectId, int type, RegistryValue value) {

        private DiskException wrong(String wanted) {
            return new DiskException(ErrorKind.CORRUPT, "BCD element " + String.format("%08x", type) + " of " + objectId,
                    value.offset(), "stored as " + value.type().regName() + " with " + value.dataSize()
                    + " bytes, not " + wanted);
        }

        private int format() {
            return (type >>> 24) & 0xF;
        }

        /** An integer element (format 5): 8 little-endian bytes (fewer are read as zero-extended). */
        public long integer() throws IOException {
            if (format() != 5) {
                throw wrong("an integer (format 5)");
            }
            return little(8, "8 bytes of integer");
        }

        /** A boolean element (format 6): one byte, non-zero = yes. */
        public boolean bool() throws IOException {
            if (format() != 6) {
                throw wrong("a boolean (format 6)");
            }
            return little(8, "a 1-byte boolean") != 0;
        }

        private long little(int max, String wanted) throws IOException {
            switch (value.type()) {
                case BINARY -> {
                    if (value.dataSize() < 1 || value.dataSize() > max) {
                        throw wrong(wanted);
                    }
                    byte[] b = value.asBytes();
                    long n = 0;
                    for (int i = b.length - 1; i >= 0; i--) {
                        n = (n << 8) | (b[i] & 0xFF);
                    }
                    return n;
                }
                case DWORD, DWORD_BIG_ENDIAN -> {
                    return value.asDword();
                }
                case QWORD -> {
                    return value.asQword();
                }
                default -> throw wrong(wanted);
            }
        }

        /** A string or object element (formats 2 and 3): REG_SZ. */
        public String string() throws IOException {
            int f = format();
            if ((f != 2 && f != 3) || !(value.type() == RegistryValueType.SZ
                    || value.type() == RegistryValueType.EXPAND_SZ)) {
                throw wrong("a REG_SZ string or object id (format 2 or 3)");
            }
            return value.asString();
        }

        /** An object list element (format 4): REG_MULTI_SZ of {@code {guid}}s. */
        public List<String> objects() throws IOException {
            if (format() != 4 || value.type() != RegistryValueType.MULTI_SZ) {
                throw wrong("a REG_MULTI_SZ object list (format 4)");
            }
            return value.asMultiString();
        }
    }
}
