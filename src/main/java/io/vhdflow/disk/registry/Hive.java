package io.vhdflow.disk.registry;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Windows registry hive file (regf), read-only, e.g. {@code Windows\System32\config\SOFTWARE}.
 *
 * <pre>{@code
 * Hive hive = Hive.open(source);
 * Optional<RegistryValue> v = hive.key("Microsoft\\Windows NT\\CurrentVersion")
 *         .flatMap(k -> k.value("ProductName"));   // (checked exceptions elided)
 * }</pre>
 *
 * <p><b>Memory:</b> the hive is not loaded. Cells are read through the {@link ByteSource} with a
 * 4 MiB page cache; opening indexes the hive bin headers (16 bytes per bin). Replayed log pages
 * are kept as references into the log sources. So a hostile base block claiming a 4 GiB hive
 * costs nothing until reads find the file shorter, and fail with a {@link DiskException}.
 *
 * <p><b>Dirty hives:</b> a hive whose base block sequence numbers differ, or whose checksum is
 * wrong, was not completely written (Windows keeps recent changes in the {@code .LOG1/.LOG2}
 * files). {@link #findings()} reports it; given the logs, {@link #open(ByteSource, List)} replays
 * them in memory and reads the hive as Windows would after recovery ({@link #recovered()}).
 *
 * <p>The sources must stay open while the hive is used; closing the hive does not close them.
 */
public final class Hive {
    private final ByteSource source;
    private final BaseBlock base;
    private final HiveStorage storage;
    private final List<Finding> findings;
    private final LogRecovery recovery;
    private final KeyNode rootNode;

    private Hive(ByteSource source, BaseBlock base, HiveStorage storage, List<Finding> findings, LogRecovery recovery,
                 KeyNode rootNode) {
        this.source = source;
        this.base = base;
        this.storage = storage;
        this.findings = List.copyOf(findings);
        this.recovery = recovery;
        this.rootNode = rootNode;
    }

    /** True when {@code source} starts with a regf base block of a primary hive file. */
    public static boolean probe(ByteSource source) throws IOException {
        if (source.size() < BaseBlock.SIZE) {
            return false;
        }
        byte[] head = source.readBytes(0, BaseBlock.HEADER_BYTES, "regf base block");
        if (!BaseBlock.hasSignature(head)) {
            return false;
        }
        return BaseBlock.parse(head, "regf base block").fileType() == BaseBlock.FILE_TYPE_PRIMARY;
    }

    /** Opens a hive without transaction logs; a dirty hive is read as it is on disk. */
    public static Hive open(ByteSource source) throws IOException {
        return open(source, List.of());
    }

    /**
     * Opens a hive, replaying {@code logs} in memory if the hive is dirty.
     *
     * @param logs the hive's transaction logs in the order Windows uses them: {@code X.LOG1} then
     *             {@code X.LOG2} (new format, Windows 8.1 on), or {@code X.LOG} (old format);
     *             missing files are simply left out. Ignored when the hive is clean.
     */
    public static Hive open(ByteSource source, List<ByteSource> logs) throws IOException {
        if (source.size() < BaseBlock.SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, "regf base block", 0, source.describe() + " is " + source.size()
                    + " bytes, shorter than the 4096-byte base block of a registry hive");
        }
        byte[] head = source.readBytes(0, BaseBlock.HEADER_BYTES, "regf base block");
        BaseBlock base = BaseBlock.parse(head, "regf base block");
        List<Finding> findings = new ArrayList<>();
        if (base.fileType() != BaseBlock.FILE_TYPE_PRIMARY) {
            throw new DiskException(ErrorKind.CORRUPT, "regf base block", 28, "file type " + base.fileType()
                    + " is a transaction log or backup, not a primary hive file");
        }
        if (base.majorVersion() != 1) {
            throw new DiskException(ErrorKind.CORRUPT, "regf base block", 20, "major version " + base.majorVersion()
                    + " is not 1: not a Windows NT registry hive this reader understands");
        }
        long dataSize = base.hiveBinsDataSize();
        if (!base.checksumValid()) {
            findings.add(new Finding("regf.checksum", 508, String.format(
                    "base block checksum is 0x%08x but the bytes give 0x%08x: the hive is dirty",
                    base.storedChecksum(), base.computedChecksum())));
        }
        if (!base.sequenceNumbersMatch()) {
            findings.add(new Finding("regf.dirty", 4, "sequence numbers differ (primary " + base.primarySequence()
                    + ", secondary " + base.secondarySequence() + "): the last write did not complete and recent"
                    + " changes may be only in the transaction logs"));
        }
        HiveStorage storage;
        LogRecovery recovery = null;
        TransactionLogs.Replay replay = null;
        if (base.dirty() && !logs.isEmpty()) {
            replay = TransactionLogs.replay(base, logs, findings);
        }
        if (replay != null) {
            dataSize = replay.dataSize();
            storage = new HiveStorage(source, dataSize, replay.overlay(), replay.sources());
            recovery = new LogRecovery(replay.entries(), replay.pages(), replay.sequence(), dataSize);
            findings.add(new Finding("regf.recovered", 4, "replayed " + replay.entries() + " log entr"
                    + (replay.entries() == 1 ? "y" : "ies") + " (" + replay.pages() + " dirty pages) up to sequence "
                    + replay.sequence() + "; the hive is read as Windows would after recovery"));
        } else {
            if (base.dirty()) {
                findings.add(new Finding("regf.not-recovered", 4, logs.isEmpty()
                        ? "the hive is dirty and no transaction log was given: values may be out of date;"
                        + " open it together with its .LOG1/.LOG2 (or .LOG) files"
                        : "the hive is dirty and none of its transaction logs applies (see the other findings):"
                        + " values may be out of date"));
            }
            storage = new HiveStorage(source, dataSize, null, null);
        }
        if (dataSize == 0 || dataSize % 4096 != 0) {
            throw new DiskException(ErrorKind.CORRUPT, "regf base block", 40, "hive bins data size " + dataSize
                    + " is not a non-zero multiple of 4096");
        }
        storage.indexBins();
        long rootRel = replay != null ? replay.rootCellOffset() : base.rootCellOffset();
        KeyNode root = KeyNode.read(storage, rootRel);
        if ((root.flags() & KeyNode.FLAG_HIVE_ENTRY) == 0) {
            findings.add(new Finding("regf.root-flag", HiveStorage.abs(rootRel), "root key node lacks the"
                    + " KEY_HIVE_ENTRY flag"));
        }
        return new Hive(source, base, storage, findings, recovery, root);
    }

    /** The hive's base block, as stored in the primary file. */
    public BaseBlock baseBlock() {
        return base;
    }

    /** Non-fatal observations: dirty state, bad checksum, log replay done or impossible. */
    public List<Finding> findings() {
        return findings;
    }

    /** True when the primary file was dirty (sequence numbers differ or the checksum is wrong). */
    public boolean dirty() {
        return base.dirty();
    }

    /** True when transaction logs were replayed: reads show the recovered hive. */
    public boolean recovered() {
        return recovery != null;
    }

    /** What the log replay did, when logs were replayed. */
    public Optional<LogRecovery> recovery() {
        return Optional.ofNullable(recovery);
    }

    /** Size of the hive bins data as read (after any replay). */
    public long hiveBinsDataSize() {
        return storage.dataSize();
    }

    /** Number of hive bins. */
    public int binCount() {
        return storage.binCount();
    }

    /** The root key. */
    public RegistryKey root() {
        return new RegistryKey(this, rootNode);
    }

    /** Shortcut for {@code root().key(path)}. */
    public Optional<RegistryKey> key(String path) throws IOException {
        return root().key(path);
    }

    /**
     * For a SYSTEM hive: the control set Windows boots from, {@code ControlSet%03d} named by
     * {@code Select\Current}. Empty when the hive has no {@code Select\Current} (not a SYSTEM
     * hive) or the control set it names is missing.
     */
    public Optional<RegistryKey> currentControlSet() throws IOException {
        Optional<String> name = currentControlSetName();
        return name.isPresent() ? root().subkey(name.get()) : Optional.empty();
    }

    /** The name of the current control set, e.g. {@code ControlSet001}, from {@code Select\Current}. */
    public Optional<String> currentControlSetName() throws IOException {
        Optional<RegistryKey> select = root().subkey("Select");
        if (select.isEmpty()) {
            return Optional.empty();
        }
        Optional<RegistryValue> current = select.get().value("Current");
        if (current.isEmpty()) {
            return Optional.empty();
        }
        long n = current.get().asDword();
        if (n < 1 || n > 999) {
            throw new DiskException(ErrorKind.CORRUPT, "regf vk cell at 0x" + Long.toHexString(current.get().offset()),
                    current.get().offset(), "Select\\Current is " + n + ", not a control set number 1..999");
        }
        return Optional.of(String.format("ControlSet%03d", n));
    }

    HiveStorage storage() {
        return storage;
    }

    @Override
    public String toString() {
        return "Hive[" + source.describe() + ", " + storage.dataSize() + " bytes of hive bins"
                 + (recovery != null ? ", recovered" : base.dirty() ? ", dirty" : "") + "]";
    }
}
