package io.vhdflow.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image catalog, shaped like Azure Compute Gallery: gallery → image definition → image
 * version. Registration is one transaction, and the database's unique keys make it idempotent:
 * a version or a content hash is never registered twice.
 */
public final class Catalog {

    private final Database db;
    private final ObjectMapper json;

    public Catalog(Database db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    /** The version registered from content with this SHA-256, if any. */
    public Optional<ImageVersionRecord> findBySourceSha256(String sha256) {
        return query("SELECT * FROM image_versions WHERE source_sha256 = ?", sha256).stream().findFirst();
    }

    public Optional<ImageVersionRecord> find(String gallery, String image, SemanticVersion version) {
        return query("SELECT * FROM image_versions WHERE gallery = ? AND image = ? AND version = ?", gallery, image,
                version.toString()).stream().findFirst();
    }

    /** All versions of an image, oldest first. */
    public List<ImageVersionRecord> versions(String gallery, String image) {
        return query("SELECT * FROM image_versions WHERE gallery = ? AND image = ?"
                + " ORDER BY major, minor, patch", gallery, image);
    }

    /** Every registered version, newest registration first. */
    public List<ImageVersionRecord> allVersions() {
        return query("SELECT * FROM image_versions ORDER BY published_at DESC, gallery, image");
    }

    /** The highest registered version of an image. */
    public Optional<SemanticVersion> latest(String gallery, String image, boolean includeExcluded) {
        return versions(gallery, image).stream().filter(v -> includeExcluded || !v.excludeFromLatest())
                .map(ImageVersionRecord::version).max(SemanticVersion::compareTo);
    }

    /**
     * Registers {@code version} under its definition, creating gallery and definition on first use.
     * The definition's facts must agree with this image's.
     *
     * @return true when registered now, false when this exact job's version was already registered
     *         (a re-run of the stage after a crash)
     */
    public boolean register(ImageMetadata meta, ImageFacts facts, ImageVersionRecord version) throws CatalogException {
        try {
            return db.transaction(c -> {
                Optional<ImageVersionRecord> existing = find(c, version.gallery(), version.image(),
                        version.version().toString());
                if (existing.isPresent()) {
                    if (existing.get().sourceJob().equals(version.sourceJob())) {
                        return false;
                    }
                    throw new Refusal(new CatalogException(CatalogException.Reason.DUPLICATE_VERSION, "version "
                            + version.version() + " of " + version.gallery() + "/" + version.image()
                            + " is already registered (by job " + existing.get().sourceJob() + ")"));
                }
                Optional<ImageVersionRecord> sameContent = query(c, "SELECT * FROM image_versions WHERE source_sha256 = ?",
                        version.sourceSha256()).stream().findFirst();
                if (sameContent.isPresent()) {
                    ImageVersionRecord s = sameContent.get();
                    throw new Refusal(new CatalogException(CatalogException.Reason.DUPLICATE_CONTENT,
                            "the same content is already registered as " + s.gallery() + "/" + s.image() + " "
                                    + s.version() + " (job " + s.sourceJob() + ")"));
                }
                String now = Instant.now().toString();
                update(c, "INSERT INTO galleries(name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
                        meta.gallery(), now);
                ensureDefinition(c, meta, facts, now);
                update(c, "INSERT INTO image_versions(gallery, image, version, major, minor, patch, exclude_from_latest,"
                                + " end_of_life, published_at, package_path, virtual_size, file_size, md5, sha256,"
                                + " source_sha256, verdict, source_job) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        version.gallery(), version.image(), version.version().toString(), version.version().major(),
                        version.version().minor(), version.version().patch(), version.excludeFromLatest(),
                        version.endOfLife(), version.publishedAt(), version.packagePath(), version.virtualSize(),
                        version.fileSize(), version.md5(), version.sha256(), version.sourceSha256(), version.verdict(),
                        version.sourceJob());
                return true;
            });
        } catch (Refusal r) {
            throw r.refusal;
        }
    }

    private void ensureDefinition(Connection c, ImageMetadata meta, ImageFacts facts, String now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT publisher, offer, sku, os_type, os_state, hyper_v_generation, architecture"
                        + " FROM image_definitions WHERE gallery = ? AND name = ?")) {
            ps.setString(1, meta.gallery());
            ps.setString(2, meta.imageDefinition());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    List<String> conflicts = new ArrayList<>();
                    compare(conflicts, "osType", rs.getString("os_type"), facts.osType().orElse(null));
                    compare(conflicts, "osState", rs.getString("os_state"), facts.osState());
                    compare(conflicts, "hyperVGeneration", rs.getString("hyper_v_generation"),
                            facts.hyperVGeneration().orElse(null));
                    compare(conflicts, "architecture", rs.getString("architecture"), facts.architecture().orElse(null));
                    if (!conflicts.isEmpty()) {
                        throw new Refusal(new CatalogException(CatalogException.Reason.CONFLICTING_DEFINITION,
                                "image definition " + meta.gallery() + "/" + meta.imageDefinition()
                                        + " does not match this image: " + String.join("; ", conflicts)
                                        + ". Register it under another image definition."));
                    }
                    return;
                }
            }
        }
        try {
            update(c, "INSERT INTO image_definitions(gallery, name, publisher, offer, sku, os_type, os_state,"
                            + " hyper_v_generation, architecture, description, end_of_life, tags_json, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    meta.gallery(), meta.imageDefinition(), meta.publisher(), meta.offer(), meta.sku(),
                    facts.osType().orElse(null), facts.osState(), facts.hyperVGeneration().orElse(null),
                    facts.architecture().orElse(null), meta.description(), meta.endOfLife(),
                    json.writeValueAsString(meta.tags() == null ? java.util.Map.of() : meta.tags()), now);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("UNIQUE")) {
                throw new Refusal(new CatalogException(CatalogException.Reason.CONFLICTING_DEFINITION,
                        "publisher/offer/sku " + meta.publisher() + "/" + meta.offer() + "/" + meta.sku()
                                + " is already used by another image definition in gallery " + meta.gallery()));
            }
            throw e;
        }
    }

    private static void compare(List<String> conflicts, String field, String registered, String detected) {
        if (registered != null && detected != null && !registered.equals(detected)) {
            conflicts.add(field + " is " + registered + " in the definition but " + detected + " on this image");
        }
    }

    /** Carries a refusal out of a transaction (rolled back). */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient CatalogException refusal;

        Refusal(CatalogException refusal) {
            super(refusal.getMessage(), null, false, false);
            this.refusal = refusal;
        }
    }

    private List<ImageVersionRecord> query(String sql, Object... args) {
        return db.read(c -> query(c, sql, args));
    }

    private Optional<ImageVersionRecord> find(Connection c, String gallery, String image, String version)
            throws SQLException {
        return query(c, "SELECT * FROM image_versions WHERE gallery = ? AND image = ? AND version = ?", gallery,
                image, version).stream().findFirst();
    }

    private static List<ImageVersionRecord> query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<ImageVersionRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ImageVersionRecord(rs.getString("gallery"), rs.getString("image"),
                            new SemanticVersion(rs.getInt("major"), rs.getInt("minor"), rs.getInt("patch")),
                            rs.getBoolean("exclude_from_latest"), rs.getString("end_of_life"),
                            rs.getString("published_at"), rs.getString("package_path"), rs.getLong("virtual_size"),
                            rs.getLong("file_size"), rs.getString("md5"), rs.getString("sha256"),
                            rs.getString("source_sha256"), rs.getString("verdict"), rs.getString("source_job")));
                }
            }
            return out;
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
