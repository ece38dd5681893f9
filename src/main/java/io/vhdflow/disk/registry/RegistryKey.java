package io.vhdflow.disk.registry;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A registry key read from a hive ({@code nk} cell). Immutable and cheap: children and values are
 * read from the hive when asked for. Names compare case-insensitively, as Windows does.
 *
 * <p>A damaged hive can list a key among its own descendants. Path lookups are bounded by the
 * path's length, but code that walks the whole tree must remember the {@link #offset()}s it has
 * visited.
 */
public final class RegistryKey {
    /** Windows limits key paths to 512 levels; deeper lookups are refused rather than followed. */
    public static final int MAX_DEPTH = 512;

    private final Hive hive;
    private final KeyNode node;

    RegistryKey(Hive hive, KeyNode node) {
        this.hive = hive;
        this.node = node;
    }

    /** The key's own name (the root key's name is whatever the hive's writer chose). */
    public String name() {
        return node.name();
    }

    /** Absolute byte offset of this key's nk cell in the hive file, for evidence and errors. */
    public long offset() {
        return HiveStorage.abs(node.offset());
    }

    /** When the key was last written (nk +4, FILETIME). */
    public Instant lastWritten() {
        return BaseBlock.filetimeToInstant(node.lastWrittenRaw());
    }

    /** Number of subkeys the key node records. */
    public long subkeyCount() {
        return node.subkeyCount();
    }

    /** Number of values the key node records. */
    public long valueCount() {
        return node.valueCount();
    }

    /** True for a symbolic link key (its target is in the REG_LINK value "SymbolicLinkValue"). */
    public boolean isSymbolicLink() {
        return (node.flags() & KeyNode.FLAG_SYMLINK) != 0;
    }

    /** The key's class name (nk +48, +74), when it has one. */
    public Optional<String> className() throws IOException {
        if (node.classOffset() == KeyNode.NONE || node.classLength() == 0) {
            return Optional.empty();
        }
        ByteBuffer c = hive.storage().cell(node.classOffset(), "regf class name cell");
        if (node.classLength() > c.remaining()) {
            throw new DiskException(ErrorKind.CORRUPT, "regf class name cell at 0x" + Long.toHexString(HiveStorage.abs(node.classOffset())),
                    HiveStorage.abs(node.classOffset()), "class name of " + node.classLength()
                    + " bytes is longer than its cell (" + c.remaining() + " bytes)");
        }
        byte[] b = new byte[node.classLength() & ~1];
        c.get(0, b);
        return Optional.of(new String(b, StandardCharsets.UTF_16LE));
    }

    /** The direct subkeys, in the hive's (sorted) order. */
    public List<RegistryKey> subkeys() throws IOException {
        List<RegistryKey> out = new ArrayList<>();
        if (node.subkeyCount() == 0) {
            return out;
        }
        SubkeyList.forEach(hive.storage(), node.subkeysList(), node.subkeyCount(), (nk, list, i, hint, kind) -> {
            out.add(new RegistryKey(hive, KeyNode.read(hive.storage(), nk)));
            return true;
        });
        return out;
    }

    /** The direct subkey called {@code name} (case-insensitive). */
    public Optional<RegistryKey> subkey(String name) throws IOException {
        if (node.subkeyCount() == 0 || name.isEmpty()) {
            return Optional.empty();
        }
        String up = KeyNode.upcase(name);
        int hash = KeyNode.nameHash(name);
        // Writers disagree on how to upper-case non-ASCII names for the lh hash (hivex and Windows
        // differ), so the hash only filters ASCII names; others are compared by reading the node.
        boolean ascii = name.chars().allMatch(ch -> ch < 0x80);
        RegistryKey[] found = new RegistryKey[1];
        SubkeyList.forEach(hive.storage(), node.subkeysList(), node.subkeyCount(), (nk, list, i, hint, kind) -> {
            if (kind == 'h' && ascii && hint != hash) {
                return true;
            }
            if (kind == 'f' && !SubkeyList.hintMatches(hint, up)) {
                return true;
            }
            KeyNode child = KeyNode.read(hive.storage(), nk);
            if (KeyNode.upcase(child.name()).equals(up)) {
                found[0] = new RegistryKey(hive, child);
                return false;
            }
            return true;
        });
        return Optional.ofNullable(found[0]);
    }

    /**
     * The key at {@code path} below this one, components separated by backslashes (leading,
     * trailing and doubled separators are ignored), e.g. {@code "ControlSet001\\Control"}.
     */
    public Optional<RegistryKey> key(String path) throws IOException {
        RegistryKey k = this;
        int depth = 0;
        for (String part : path.split("\\\\")) {
            if (part.isEmpty()) {
                continue;
            }
            if (++depth > MAX_DEPTH) {
                return Optional.empty();
            }
            Optional<RegistryKey> next = k.subkey(part);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            k = next.get();
        }
        return Optional.of(k);
    }

    /** All values of this key, in the hive's order. */
    public List<RegistryValue> values() throws IOException {
        List<RegistryValue> out = new ArrayList<>();
        long n = node.valueCount();
        if (n == 0) {
            return out;
        }
        ByteBuffer list = hive.storage().cell(node.valuesList(), "regf value list");
        if (n * 4 > list.remaining()) {
            throw new DiskException(ErrorKind.CORRUPT, "regf value list at 0x" + Long.toHexString(HiveStorage.abs(node.valuesList())),
                    HiveStorage.abs(node.valuesList()), "key node at 0x" + Long.toHexString(offset()) + " says it has "
                    + n + " values but the list cell holds only " + list.remaining() / 4);
        }
        for (int i = 0; i < n; i++) {
            out.add(RegistryValue.read(hive, Integer.toUnsignedLong(list.getInt(i * 4))));
        }
        return out;
    }

    /** The value called {@code name} (case-insensitive); {@code ""} is the key's default value. */
    public Optional<RegistryValue> value(String name) throws IOException {
        String up = KeyNode.upcase(name);
        for (RegistryValue v : values()) {
            if (KeyNode.upcase(v.name()).equals(up)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "RegistryKey[" + name() + " @0x" + Long.toHexString(offset()) + "]";
    }
}
