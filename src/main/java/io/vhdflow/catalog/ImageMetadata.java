package io.vhdflow.catalog;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What ops say about an image in the optional sidecar {@code NAME.vhd.json}. Everything the disk
 * itself can tell (OS type, generation, architecture) is detected, never taken from here.
 * Unset fields fall back to configured defaults and to the file name.
 *
 * <p>The definition fields (publisher, offer, sku, description, eula, privacy and release-note
 * URIs, end of life, features, recommended machine, tags) take effect when the definition is
 * first registered; {@code endOfLife} and {@code excludeFromLatest} also apply to the version.
 * {@code features} maps Azure feature names to values, e.g.
 * {@code {"SecurityType": "TrustedLaunchSupported", "IsAcceleratedNetworkSupported": "True"}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record ImageMetadata(
        String gallery,
        String imageDefinition,
        String publisher,
        String offer,
        String sku,
        String version,
        String description,
        String endOfLife,
        Map<String, String> tags,
        String eula,
        String privacyStatementUri,
        String releaseNoteUri,
        Map<String, String> features,
        Recommended recommended,
        Boolean excludeFromLatest) {

    public static final ImageMetadata EMPTY = new ImageMetadata(null, null, null, null, null, null, null, null, null);

    /** Jackson reads sidecars through this (canonical) constructor. */
    @JsonCreator
    public ImageMetadata {
    }

    /** The original nine fields; the others unset. */
    public ImageMetadata(String gallery, String imageDefinition, String publisher, String offer, String sku,
                         String version, String description, String endOfLife, Map<String, String> tags) {
        this(gallery, imageDefinition, publisher, offer, sku, version, description, endOfLife, tags, null, null, null,
                null, null, null);
    }

    /**
     * Azure's {@code recommended} machine configuration of an image definition; any bound may be
     * unset.
     *
     * @param vCpusMin    fewest vCPUs recommended
     * @param vCpusMax    most vCPUs recommended
     * @param memoryGbMin least memory recommended, GB
     * @param memoryGbMax most memory recommended, GB
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Recommended(Integer vCpusMin, Integer vCpusMax, Integer memoryGbMin, Integer memoryGbMax) {
        @JsonCreator
        public Recommended(@JsonProperty("vCpusMin") Integer vCpusMin, @JsonProperty("vCpusMax") Integer vCpusMax,
                           @JsonProperty("memoryGbMin") Integer memoryGbMin,
                           @JsonProperty("memoryGbMax") Integer memoryGbMax) {
            this.vCpusMin = vCpusMin;
            this.vCpusMax = vCpusMax;
            this.memoryGbMin = memoryGbMin;
            this.memoryGbMax = memoryGbMax;
        }

        @Override
        @JsonProperty("vCpusMin")
        public Integer vCpusMin() {
            return vCpusMin;
        }

        @Override
        @JsonProperty("vCpusMax")
        public Integer vCpusMax() {
            return vCpusMax;
        }

        /** Wrong bounds, phrased for the sidecar's author. */
        List<String> problems() {
            List<String> out = new ArrayList<>();
            bounds(out, "recommended.vCpus", vCpusMin, vCpusMax, 1, 1024);
            bounds(out, "recommended.memoryGb", memoryGbMin, memoryGbMax, 1, 16384);
            return out;
        }

        private static void bounds(List<String> out, String what, Integer min, Integer max, int low, int high) {
            if (min != null && (min < low || min > high)) {
                out.add(what + "Min " + min + " must be between " + low + " and " + high);
            }
            if (max != null && (max < low || max > high)) {
                out.add(what + "Max " + max + " must be between " + low + " and " + high);
            }
            if (min != null && max != null && min > max) {
                out.add(what + "Min " + min + " is larger than " + what + "Max " + max);
            }
        }
    }

    /** Fills unset fields: gallery and publisher from configuration, names from the file name. */
    public ImageMetadata withDefaults(String defaultGallery, String defaultPublisher, String fileName) {
        String image = imageDefinition != null ? imageDefinition : NamingRules.imageNameFromFile(fileName);
        return new ImageMetadata(
                gallery != null ? gallery : defaultGallery,
                image,
                publisher != null ? publisher : defaultPublisher,
                offer != null ? offer : image,
                sku != null ? sku : "default",
                version,
                description,
                endOfLife,
                tags != null ? Map.copyOf(tags) : Map.of(),
                eula,
                privacyStatementUri,
                releaseNoteUri,
                features != null ? Map.copyOf(features) : Map.of(),
                recommended,
                excludeFromLatest);
    }

    /** Every rule this metadata breaks, phrased for the person who wrote the sidecar. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        NamingRules.galleryProblem(gallery).ifPresent(out::add);
        NamingRules.imageProblem(imageDefinition).ifPresent(out::add);
        NamingRules.identifierProblem("publisher", publisher, 128).ifPresent(out::add);
        NamingRules.identifierProblem("offer", offer, 64).ifPresent(out::add);
        NamingRules.identifierProblem("sku", sku, 64).ifPresent(out::add);
        if (version != null) {
            try {
                NamingRules.parseVersion(version);
            } catch (IllegalArgumentException e) {
                out.add(e.getMessage());
            }
        }
        if (endOfLife != null) {
            try {
                java.time.OffsetDateTime.parse(endOfLife.length() == 10 ? endOfLife + "T00:00:00Z" : endOfLife);
            } catch (java.time.format.DateTimeParseException e) {
                out.add("endOfLife '" + endOfLife + "' must be a date (2027-12-31) or an ISO-8601 date-time");
            }
        }
        if (description != null && description.length() > 4096) {
            out.add("description is longer than 4096 characters");
        }
        if (tags != null) {
            if (tags.size() > 50) {
                out.add("at most 50 tags are allowed, found " + tags.size());
            }
            tags.forEach((k, v) -> {
                if (k == null || k.isEmpty() || k.length() > 512 || k.matches(".*[<>%&\\\\?/].*")) {
                    out.add("tag name '" + k + "' must be 1-512 characters without < > % & \\ ? /");
                }
                if (v != null && v.length() > 256) {
                    out.add("tag '" + k + "' value is longer than 256 characters");
                }
            });
        }
        if (eula != null && eula.length() > 10_000) {
            out.add("eula is longer than 10000 characters");
        }
        uriProblem("privacyStatementUri", privacyStatementUri).ifPresent(out::add);
        uriProblem("releaseNoteUri", releaseNoteUri).ifPresent(out::add);
        if (features != null) {
            features.forEach((k, v) -> GalleryFeatures.problem(k, v).ifPresent(out::add));
        }
        if (recommended != null) {
            out.addAll(recommended.problems());
        }
        return out;
    }

    private static Optional<String> uriProblem(String field, String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            java.net.URI u = new java.net.URI(value);
            if (u.isAbsolute() && ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))
                    && u.getHost() != null) {
                return Optional.empty();
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        return Optional.of(field + " '" + value + "' must be an absolute http(s) URI");
    }

    public Optional<SemanticVersion> semanticVersion() {
        return Optional.ofNullable(version).map(NamingRules::parseVersion);
    }
}
