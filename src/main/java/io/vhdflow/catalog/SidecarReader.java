package io.vhdflow.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a sidecar ({@code NAME.vhd.json}) strictly and says everything wrong with it at once: a
 * field that is not an image-metadata field (with the closest one suggested) and a value of the
 * wrong JSON type, each with its line; {@link #readEffective} adds every naming or value rule
 * {@link ImageMetadata#problems()} checks of the metadata the image would get. Only JSON that is not well-formed stops the reading early, at the
 * first syntax error (with its line and column).
 */
public final class SidecarReader {
    /** Sidecars are a few hundred bytes; anything far larger is not a sidecar. */
    public static final int MAX_BYTES = 64 * 1024;

    /** The fields of a sidecar and their JSON types. */
    private static final Map<String, JsonType> FIELDS = Map.ofEntries(
            Map.entry("gallery", JsonType.STRING), Map.entry("imageDefinition", JsonType.STRING),
            Map.entry("publisher", JsonType.STRING), Map.entry("offer", JsonType.STRING),
            Map.entry("sku", JsonType.STRING), Map.entry("version", JsonType.STRING),
            Map.entry("description", JsonType.STRING), Map.entry("endOfLife", JsonType.STRING),
            Map.entry("tags", JsonType.STRING_MAP), Map.entry("eula", JsonType.STRING),
            Map.entry("privacyStatementUri", JsonType.STRING), Map.entry("releaseNoteUri", JsonType.STRING),
            Map.entry("features", JsonType.STRING_MAP), Map.entry("recommended", JsonType.OBJECT),
            Map.entry("excludeFromLatest", JsonType.BOOLEAN));
    private static final Set<String> RECOMMENDED = Set.of("vCpusMin", "vCpusMax", "memoryGbMin", "memoryGbMax");

    private enum JsonType {
        STRING("a string"), BOOLEAN("true or false"), OBJECT("an object"), STRING_MAP("an object of strings"),
        INTEGER("a whole number");

        final String description;

        JsonType(String description) {
            this.description = description;
        }
    }

    /** The metadata read (unset fields where a value was wrong) and every problem, empty when valid. */
    public record Result(ImageMetadata metadata, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }

        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private final ObjectMapper json;
    private final Set<String> otherFields;

    public SidecarReader(ObjectMapper json) {
        this(json, Set.of());
    }

    /**
     * @param otherFields fields of a larger document that another reader takes (the disks of a VM
     *                    image's {@code image.json}): neither metadata nor a problem here
     */
    public SidecarReader(ObjectMapper json, Set<String> otherFields) {
        this.json = json;
        this.otherFields = Set.copyOf(otherFields);
    }

    private Set<String> knownFields() {
        Set<String> all = new java.util.TreeSet<>(FIELDS.keySet());
        all.addAll(otherFields);
        return all;
    }

    /** Reads {@code bytes} (the sidecar's content) and checks every field. */
    public Result read(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            return new Result(ImageMetadata.EMPTY, List.of("the sidecar is " + bytes.length + " bytes, larger than the "
                    + MAX_BYTES + " bytes a sidecar can be"));
        }
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root;
        try {
            lines = fieldLines(bytes);
            root = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            return new Result(ImageMetadata.EMPTY, List.of("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : "")));
        } catch (java.io.IOException e) {
            return new Result(ImageMetadata.EMPTY, List.of("cannot be read: " + e.getMessage()));
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            return new Result(ImageMetadata.EMPTY, List.of("must be one JSON object, like {\"imageDefinition\": "
                    + "\"ubuntu-24\"}"));
        }
        List<String> problems = new ArrayList<>();
        ObjectNode clean = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String at = at(lines, f.getKey());
            JsonType type = FIELDS.get(f.getKey());
            if (otherFields.contains(f.getKey())) {
                continue;
            }
            if (type == null) {
                problems.add(at + "'" + f.getKey() + "' is not an image metadata field"
                        + NearestName.of(f.getKey(), knownFields()).map(c -> " (did you mean '" + c + "'?)").orElse(""));
                continue;
            }
            if (f.getValue().isNull()) {
                continue;
            }
            if (f.getKey().equals("recommended") && f.getValue().isObject()) {
                clean.set("recommended", recommended(f.getValue(), lines, problems));
                continue;
            }
            if (!matches(type, f.getValue())) {
                problems.add(at + "'" + f.getKey() + "' must be " + type.description + ", not " + shown(f.getValue()));
                continue;
            }
            clean.set(f.getKey(), f.getValue());
        }
        ImageMetadata m;
        try {
            m = json.treeToValue(clean, ImageMetadata.class);
        } catch (JsonProcessingException e) {
            // Every type was checked above; a failure here is a rule this reader does not know yet.
            problems.add("cannot be read as image metadata: " + e.getOriginalMessage());
            return new Result(ImageMetadata.EMPTY, problems);
        }
        return new Result(m, problems);
    }

    /**
     * Reads {@code bytes} and checks the metadata the image would get: unset fields filled from
     * the configured defaults and the file name, then every naming and value rule; the problems of
     * the fields and of the values together.
     */
    public Result readEffective(byte[] bytes, String defaultGallery, String defaultPublisher, String vhdName) {
        Result r = read(bytes);
        ImageMetadata effective = r.metadata().withDefaults(defaultGallery, defaultPublisher, vhdName);
        List<String> problems = new ArrayList<>(r.problems());
        problems.addAll(effective.problems());
        return new Result(effective, problems);
    }

    private ObjectNode recommended(JsonNode value, Map<String, Integer> lines, List<String> problems) {
        ObjectNode out = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = "recommended." + f.getKey();
            String at = at(lines, name);
            if (!RECOMMENDED.contains(f.getKey())) {
                problems.add(at + "'" + name + "' is not a field of recommended" + NearestName.of(f.getKey(), RECOMMENDED)
                        .map(c -> " (did you mean 'recommended." + c + "'?)").orElse(""));
            } else if (!f.getValue().isNull() && !matches(JsonType.INTEGER, f.getValue())) {
                problems.add(at + "'" + name + "' must be " + JsonType.INTEGER.description + ", not "
                        + shown(f.getValue()));
            } else {
                out.set(f.getKey(), f.getValue());
            }
        }
        return out;
    }

    private static boolean matches(JsonType type, JsonNode v) {
        return switch (type) {
            case STRING -> v.isTextual();
            case BOOLEAN -> v.isBoolean();
            case OBJECT -> v.isObject();
            case INTEGER -> v.isIntegralNumber() && v.canConvertToInt();
            case STRING_MAP -> {
                if (!v.isObject()) {
                    yield false;
                }
                for (JsonNode e : v) {
                    if (!e.isTextual()) {
                        yield false;
                    }
                }
                yield true;
            }
        };
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private static String at(Map<String, Integer> lines, String field) {
        Integer line = lines.get(field);
        return line == null ? "" : "line " + line + ": ";
    }

    /** The line of each top-level field, and of each field inside {@code recommended}. */
    private static Map<String, Integer> fieldLines(byte[] bytes) throws java.io.IOException {
        Map<String, Integer> out = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(bytes)) {
            int depth = 0;
            String parent = null;
            String last = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        depth++;
                        if (depth == 2) {
                            parent = last;
                        }
                    }
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        last = p.currentName();
                        int line = p.currentTokenLocation().getLineNr();
                        if (depth == 1) {
                            out.putIfAbsent(last, line);
                        } else if (depth == 2 && "recommended".equals(parent)) {
                            out.putIfAbsent("recommended." + last, line);
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return out;
    }
}
