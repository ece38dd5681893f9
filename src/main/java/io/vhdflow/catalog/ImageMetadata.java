package io.vhdflow.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What ops say about an image in the optional sidecar {@code NAME.vhd.json}. Everything the disk
 * itself can tell (OS type, generation, architecture) is detected, never taken from here.
 * Unset fields fall back to configured defaults and to the file name.
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
        Map<String, String> tags) {

    public static final ImageMetadata EMPTY = new ImageMetadata(null, null, null, null, null, null, null, null, null);

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
                tags != null ? Map.copyOf(tags) : Map.of());
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
        return out;
    }

    public Optional<SemanticVersion> semanticVersion() {
        return Optional.ofNullable(version).map(NamingRules::parseVersion);
    }
}
