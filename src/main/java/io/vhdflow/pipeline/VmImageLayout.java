package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The disks a VM image's {@code image.json} names: {@code "osDisk": "<file>"} and
 * {@code "dataDisks": [{"file": "<file>", "lun": 0, "hostCaching": "None|ReadOnly|ReadWrite"}]}
 * (the other fields are the sidecar's image metadata, read by {@code SidecarReader}). Read
 * strictly: every problem at once, so the operator fixes the file in one go.
 *
 * @param osDisk    the OS disk's file, when named
 * @param dataDisks the data disks, when the list is given (an empty list: the image has no data disk)
 */
public record VmImageLayout(Optional<String> osDisk, Optional<List<DataDisk>> dataDisks) {
    /** The fields this record reads from {@code image.json}. */
    public static final Set<String> FIELDS = Set.of("osDisk", "dataDisks");
    /** Azure's LUN range for a gallery image's data disks. */
    public static final int MAX_LUN = 63;
    public static final List<String> HOST_CACHING = List.of("None", "ReadOnly", "ReadWrite");
    private static final Set<String> DATA_DISK_FIELDS = Set.of("file", "lun", "hostCaching");

    public static final VmImageLayout NONE = new VmImageLayout(Optional.empty(), Optional.empty());

    /** A data disk as named in {@code image.json}. */
    public record DataDisk(String file, int lun, String hostCaching) {
    }

    /** The layout read, and every problem with it (empty when valid). */
    public record Read(VmImageLayout layout, List<String> problems) {
    }

    /** Reads the two fields from the parsed {@code image.json}. */
    public static Read of(JsonNode root) {
        List<String> problems = new ArrayList<>();
        Optional<String> os = Optional.empty();
        JsonNode osNode = root.path("osDisk");
        if (!osNode.isMissingNode() && !osNode.isNull()) {
            if (osNode.isTextual() && !osNode.asText().isBlank()) {
                os = Optional.of(osNode.asText());
            } else {
                problems.add("'osDisk' must be the name of a disk file in the folder, not " + osNode);
            }
        }
        JsonNode list = root.path("dataDisks");
        if (list.isMissingNode() || list.isNull()) {
            return new Read(new VmImageLayout(os, Optional.empty()), problems);
        }
        if (!list.isArray()) {
            problems.add("'dataDisks' must be a list of {\"file\": ..., \"lun\": ..., \"hostCaching\": ...}, not " + list);
            return new Read(new VmImageLayout(os, Optional.empty()), problems);
        }
        List<DataDisk> disks = new ArrayList<>();
        Set<Integer> luns = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (int i = 0; i < list.size() && i <= MAX_LUN + 1; i++) {
            JsonNode d = list.get(i);
            String at = "dataDisks[" + i + "]";
            if (!d.isObject()) {
                problems.add(at + " must be an object like {\"file\": \"data.vhd\", \"lun\": 0}, not " + d);
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
                String k = it.next().getKey();
                if (!DATA_DISK_FIELDS.contains(k)) {
                    problems.add(at + ": '" + k + "' is not a data disk field (file, lun, hostCaching)");
                }
            }
            JsonNode file = d.path("file");
            JsonNode lun = d.path("lun");
            JsonNode caching = d.path("hostCaching");
            boolean ok = true;
            if (!file.isTextual() || file.asText().isBlank()) {
                problems.add(at + ": 'file' must name a disk file in the folder");
                ok = false;
            } else if (!files.add(file.asText())) {
                problems.add(at + ": " + file.asText() + " is named twice");
                ok = false;
            }
            if (!lun.canConvertToInt() || !lun.isIntegralNumber()) {
                problems.add(at + ": 'lun' must be a whole number 0–" + MAX_LUN + (lun.isMissingNode() ? "" : ", not " + lun));
                ok = false;
            } else if (lun.asInt() < 0 || lun.asInt() > MAX_LUN) {
                problems.add(at + ": LUN " + lun.asInt() + " is out of range: a data disk's LUN is 0–" + MAX_LUN);
                ok = false;
            } else if (!luns.add(lun.asInt())) {
                problems.add(at + ": LUN " + lun.asInt() + " is used by two data disks; each LUN once");
                ok = false;
            }
            String hc = "None";
            if (!caching.isMissingNode() && !caching.isNull()) {
                Optional<String> match = HOST_CACHING.stream().filter(h -> h.equalsIgnoreCase(caching.asText())).findFirst();
                if (!caching.isTextual() || match.isEmpty()) {
                    problems.add(at + ": 'hostCaching' must be one of " + String.join(", ", HOST_CACHING) + ", not " + caching);
                    ok = false;
                } else {
                    hc = match.get();
                }
            }
            if (ok) {
                disks.add(new DataDisk(file.asText(), lun.asInt(), hc));
            }
        }
        if (list.size() > MAX_LUN + 1) {
            problems.add("'dataDisks' lists " + list.size() + " disks; an image has at most " + (MAX_LUN + 1));
        }
        os.filter(files::contains).ifPresent(f -> problems.add(f + " is named both as 'osDisk' and in 'dataDisks'"));
        return new Read(new VmImageLayout(os, Optional.of(List.copyOf(disks))), problems);
    }
}
