package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VMDK text descriptor: a separate file starting {@code # Disk DescriptorFile}, or embedded in
 * a sparse extent. Source: VMware "Virtual Disk Format 1.1", section "The Descriptor File".
 *
 * <pre>
 * # Disk DescriptorFile
 * version=1
 * CID=fffffffe                         content id
 * parentCID=ffffffff                   ffffffff: no parent (else a snapshot delta)
 * createType="twoGbMaxExtentSparse"    monolithicSparse, streamOptimized, monolithicFlat,
 *                                      twoGbMaxExtentSparse, twoGbMaxExtentFlat, vmfs, ...
 * RW 4192256 SPARSE "disk-s001.vmdk"   extent: access, size in sectors, type, file[, offset]
 * RW 8388608 FLAT "disk-flat.vmdk" 0   types: SPARSE, FLAT, ZERO, VMFS (flat), VMFSSPARSE, ...
 * ddb.adapterType = "lsilogic"         disk database
 * </pre>
 *
 * @param createType the disk's type
 * @param parentCid  the parent's content id, "ffffffff" for none
 * @param extents    the extents, in order
 * @param fields     the other key/value lines (including {@code ddb.*})
 */
public record VmdkDescriptor(String createType, String parentCid, List<Extent> extents, Map<String, String> fields) {

    /** Largest descriptor read. */
    static final int MAX_BYTES = 1 << 20;
    /** Most extents accepted (twoGbMaxExtent disks of 64 TiB need 32768). */
    static final int MAX_EXTENTS = 1 << 15;
    private static final Pattern EXTENT = Pattern.compile(
            "^(RW|RDONLY|NOACCESS)\\s+(\\d+)\\s+([A-Za-z]+)(?:\\s+\"([^\"]*)\"(?:\\s+(\\d+))?)?\\s*$");
    private static final Pattern FIELD = Pattern.compile("^([A-Za-z0-9_.]+)\\s*=\\s*\"?([^\"]*)\"?\\s*$");

    /**
     * One extent line.
     *
     * @param access  RW, RDONLY or NOACCESS
     * @param sectors size in sectors
     * @param type    SPARSE, FLAT, ZERO, VMFS, ...
     * @param file    the extent file (none for ZERO)
     * @param offset  sectors to skip at the start of a flat file
     * @param line    line number in the descriptor
     * @param at      byte offset of the line in the file holding the descriptor
     */
    public record Extent(String access, long sectors, String type, Optional<String> file, long offset, int line,
                         long at) {
    }

    public VmdkDescriptor {
        extents = List.copyOf(extents);
        fields = Map.copyOf(fields);
    }

    /** Whether the descriptor names a parent (a snapshot delta disk). */
    public boolean hasParent() {
        return !parentCid.equalsIgnoreCase("ffffffff") || fields.containsKey("parentFileNameHint");
    }

    /** Total sectors of the extents. */
    public long sectors() {
        return extents.stream().mapToLong(Extent::sectors).sum();
    }

    /** Parses descriptor text found at byte {@code at} of its file; errors name the byte of their line. */
    static VmdkDescriptor parse(String text, String structure, long at) throws DiskException {
        List<Extent> extents = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        long total = 0;
        long lineAt = at;
        for (int i = 0; i < lines.length; lineAt += lines[i].getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1,
                i++) {
            String line = lines[i].strip();
            int nul = line.indexOf('\0');
            if (nul >= 0) {
                line = line.substring(0, nul).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher e = EXTENT.matcher(line);
            if (e.matches()) {
                if (extents.size() >= MAX_EXTENTS) {
                    throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, at, "more than " + MAX_EXTENTS + " extents");
                }
                long sectors;
                long offset;
                try {
                    sectors = Long.parseLong(e.group(2));
                    offset = e.group(5) == null ? 0 : Long.parseLong(e.group(5));
                } catch (NumberFormatException x) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, lineAt, "line " + (i + 1) + ": extent size or"
                            + " offset is not a number: " + line);
                }
                total += sectors;
                if (sectors <= 0 || total > DiskImages.MAX_VIRTUAL_SIZE / 512 || offset > DiskImages.MAX_VIRTUAL_SIZE / 512) {
                    throw new DiskException(sectors <= 0 ? ErrorKind.CORRUPT : ErrorKind.LIMIT_EXCEEDED, structure, lineAt,
                            "line " + (i + 1) + ": extent of " + sectors + " sectors (disk of " + total
                                    + " sectors so far) is empty or beyond the " + (DiskImages.MAX_VIRTUAL_SIZE >> 40)
                                    + " TiB this reader accepts");
                }
                String type = e.group(3).toUpperCase(Locale.ROOT);
                Optional<String> file = Optional.ofNullable(e.group(4));
                if (file.isEmpty() && !type.equals("ZERO")) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, lineAt, "line " + (i + 1) + ": a " + type
                            + " extent names no file: " + line);
                }
                extents.add(new Extent(e.group(1), sectors, type, file, offset, i + 1, lineAt));
                continue;
            }
            Matcher f = FIELD.matcher(line);
            if (f.matches()) {
                fields.put(f.group(1), f.group(2));
                continue;
            }
            throw new DiskException(ErrorKind.CORRUPT, structure, lineAt, "line " + (i + 1) + " is neither an extent nor a"
                    + " key=value line: " + (line.length() > 80 ? line.substring(0, 80) + "…" : line));
        }
        String createType = fields.getOrDefault("createType", "");
        String parent = fields.getOrDefault("parentCID", "ffffffff");
        Map<String, String> rest = new LinkedHashMap<>(fields);
        rest.remove("createType");
        rest.remove("parentCID");
        return new VmdkDescriptor(createType, parent, extents, rest);
    }
}
