package io.vhdflow.disk.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.testing.Fixtures;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The partitioning tools' own views of the fixtures, recorded when they were made. */
final class ToolViews {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolViews() {
    }

    /** One partition as {@code sfdisk --json} reported it. */
    record SfdiskPartition(int number, long start, long size, String type, boolean bootable, String uuid, String name) {
    }

    static JsonNode sfdisk(String fixture) throws IOException {
        return JSON.readTree(Fixtures.text("volume/" + fixture + ".sfdisk.json")).get("partitiontable");
    }

    static List<SfdiskPartition> sfdiskPartitions(String fixture) throws IOException {
        JsonNode table = sfdisk(fixture);
        String device = table.get("device").asText();
        List<SfdiskPartition> out = new ArrayList<>();
        for (JsonNode p : table.get("partitions")) {
            // Image files get "img1"; loop devices (the 4Kn fixture) get "p1".
            String suffix = p.get("node").asText().substring(device.length());
            int number = Integer.parseInt(suffix.startsWith("p") ? suffix.substring(1) : suffix);
            out.add(new SfdiskPartition(number, p.get("start").asLong(), p.get("size").asLong(), p.get("type").asText(),
                    p.path("bootable").asBoolean(false), p.path("uuid").asText(null), p.path("name").asText(null)));
        }
        return out;
    }

    /** One row of {@code sgdisk -p}. */
    record SgdiskRow(int number, long start, long end, String code, String name) {
    }

    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\S+ \\S+\\s+([0-9A-F]{4})\\s{2}(.*)$");

    static List<SgdiskRow> sgdiskRows(String fixture) {
        List<SgdiskRow> out = new ArrayList<>();
        for (String line : Fixtures.text("volume/" + fixture + ".sgdisk.txt").split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                out.add(new SgdiskRow(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        m.group(4), m.group(5).strip()));
            }
        }
        return out;
    }

    static String sgdiskDiskGuid(String fixture) {
        for (String line : Fixtures.text("volume/" + fixture + ".sgdisk.txt").split("\n")) {
            if (line.startsWith("Disk identifier (GUID): ")) {
                return line.substring("Disk identifier (GUID): ".length()).strip();
            }
        }
        throw new IllegalStateException("no disk GUID in sgdisk output of " + fixture);
    }

    static JsonNode lvmReport(String fixture, String kind) throws IOException {
        return JSON.readTree(Fixtures.text("volume/" + fixture + "." + kind + "s.json")).get("report").get(0).get(kind);
    }

    static long bytes(JsonNode n) {
        return Long.parseLong(n.asText().replace("B", "").strip());
    }
}
