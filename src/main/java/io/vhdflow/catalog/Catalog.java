package io.vhdflow.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.store.Database;
import io.vhdflow.store.StoreException;

import static io.vhdflow.store.Database.bind;
import static io.vhdflow.store.Database.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The image catalog, shaped like Azure Compute Gallery: gallery → image definition → image
 * version. Registration is one transaction, and the database's unique keys make it idempotent:
 * a version or a content hash is never registered twice. Names are checked against Azure's
 * rules and the image's detected facts against its definition before anything is written.
 *
 * <p>All SQL here is plain ANSI with {@code ON CONFLICT DO NOTHING}, which SQLite and PostgreSQL
 * both accept.
 */
public final class Catalog {
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

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
        return latestVersion(gallery, image, includeExcluded).map(ImageVersionRecord::version);
    }

    /**
     * The version Azure's "latest" would pick: the highest Major, then Minor, then Patch, skipping
     * versions excluded from latest unless {@code includeExcluded}.
     */
    public Optional<ImageVersionRecord> latestVersion(String gallery, String image, boolean includeExcluded) {
        return versions(gallery, image).stream().filter(v -> includeExcluded || !v.excludeFromLatest())
                .max((a, b) -> a.version().compareTo(b.version()));
    }

    /** Names of the galleries, sorted. */
    public List<String> galleries() {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM galleries ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** Every image definition, by gallery and name. */
    public List<ImageDefinitionRecord> definitions() {
        return db.read(c -> definitions(c, "SELECT * FROM image_definitions ORDER BY gallery, name"));
    }

    public Optional<ImageDefinitionRecord> definition(String gallery, String name) {
        return db.read(c -> definitions(c, "SELECT * FROM image_definitions WHERE gallery = ? AND name = ?",
                gallery, name)).stream().findFirst();
    }

    /**
     * Registers {@code version} under its definition, creating gallery and definition on first use.
     * The definition's facts must agree with this image's.
     *
     * @return true when registered now, false when this exact job's version was already registered
     *         (a re-run of the stage after a crash)
     */
    public boolean register(ImageMetadata meta, ImageFacts facts, ImageVersionRecord version) throws CatalogException {
        return register(meta, facts, version, List.of());
    }

    /**
     * Registers a VM image version: the OS disk image as above and its data disk images, in one
     * transaction (a version never holds part of its disks).
     */
    public boolean register(ImageMetadata meta, ImageFacts facts, ImageVersionRecord version,
                            List<DataDiskImage> dataDisks) throws CatalogException {
        List<String> problems = new ArrayList<>(meta.problems());
        if (!version.gallery().equals(meta.gallery()) || !version.image().equals(meta.imageDefinition())) {
            problems.add("the version names " + version.gallery() + "/" + version.image() + " but the metadata "
                    + meta.gallery() + "/" + meta.imageDefinition());
        }
        if (!problems.isEmpty()) {
            throw new CatalogException(CatalogException.Reason.INVALID_METADATA,
                    "cannot register " + version.gallery() + "/" + version.image() + " " + version.version() + ": "
                            + String.join("; ", problems));
        }
        Optional<String> contradiction = GalleryFeatures.contradiction(
                meta.features() == null ? Map.of() : meta.features(), facts);
        if (contradiction.isPresent()) {
            throw new CatalogException(CatalogException.Reason.CONFLICTING_DEFINITION, "image definition "
                    + meta.gallery() + "/" + meta.imageDefinition() + ": " + contradiction.get());
        }
        try {
            return registerOnce(meta, facts, version, dataDisks);
        } catch (StoreException e) {
            if (!e.isConstraintViolation()) {
                throw e;
            }
            // Another worker registered the same gallery, definition, version or content between this
            // transaction's reads and its insert (PostgreSQL, READ COMMITTED): the unique keys refused
            // the second row. Read again: now the committed row answers (this job's own: done; another's:
            // the duplicate refusal).
            return registerOnce(meta, facts, version, dataDisks);
        }
    }

    private boolean registerOnce(ImageMetadata meta, ImageFacts facts, ImageVersionRecord version,
                                 List<DataDiskImage> dataDisks) throws CatalogException {
        try {
            return db.transaction(c -> {
                // Idempotent by job: this job's version, whichever worker's run of the stage wrote it.
                if (!query(c, "SELECT * FROM image_versions WHERE source_job = ?", version.sourceJob()).isEmpty()) {
                    return false;
                }
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
                if (sameContent.isPresent() && sameContent.get().sourceJob().equals(version.sourceJob())) {
                    return false;  // this job registered it before a crash or on another worker: a no-op
                }
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
                                + " source_sha256, verdict, source_job, data_bytes, blob_uri, uploaded_at, digests,"
                                + " integrity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        version.gallery(), version.image(), version.version().toString(), version.version().major(),
                        version.version().minor(), version.version().patch(), version.excludeFromLatest(),
                        version.endOfLife(), version.publishedAt(), version.packagePath(), version.virtualSize(),
                        version.fileSize(), version.md5(), version.sha256(), version.sourceSha256(), version.verdict(),
                        version.sourceJob(), version.dataBytes().orElse(null), version.blobUri().orElse(null),
                        version.uploadedAt().orElse(null), String.join(" ", version.digests()),
                        version.integrity().orElse(null));
                for (DataDiskImage d : dataDisks) {
                    update(c, "INSERT INTO image_version_data_disks(gallery, image, version, lun, host_caching, vhd,"
                                    + " virtual_size, file_size, data_bytes, md5, sha256, source_sha256, blob_uri,"
                                    + " integrity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            version.gallery(), version.image(), version.version().toString(), d.lun(), d.hostCaching(),
                            d.vhd(), d.virtualSize(), d.fileSize(), d.dataBytes().orElse(null), d.md5(), d.sha256(),
                            d.sourceSha256(), d.blobUri().orElse(null), d.integrity().orElse(null));
                }
                return true;
            });
        } catch (Refusal r) {
            throw r.refusal;
        }
    }

    /**
     * Records that {@code version}'s package is in the page blob {@code blobUri} with its MD5
     * verified. {@code blobUri} must carry no query (a SAS token is a credential).
     */
    public void recordUpload(String gallery, String image, SemanticVersion version, String blobUri, Instant at)
            throws CatalogException {
        if (blobUri.contains("?")) {
            throw new IllegalArgumentException("a blob URI with a query (SAS token) must not be stored");
        }
        int n = db.read(c -> update(c,
                "UPDATE image_versions SET blob_uri = ?, uploaded_at = ? WHERE gallery = ? AND image = ? AND version = ?",
                blobUri, at.toString(), gallery, image, version.toString()));
        if (n == 0) {
            throw new CatalogException(CatalogException.Reason.NOT_FOUND,
                    "version " + version + " of " + gallery + "/" + image + " is not registered");
        }
    }

    /** Links {@code version} to the SBOM of its image (a file of its package folder). */
    public void recordSbom(String gallery, String image, SemanticVersion version, String sbomPath)
            throws CatalogException {
        int n = db.read(c -> update(c,
                "UPDATE image_versions SET sbom_path = ? WHERE gallery = ? AND image = ? AND version = ?",
                sbomPath, gallery, image, version.toString()));
        if (n == 0) {
            throw new CatalogException(CatalogException.Reason.NOT_FOUND,
                    "version " + version + " of " + gallery + "/" + image + " is not registered");
        }
    }

    /** The SBOM linked to {@code version}, when its image had one. */
    public Optional<String> sbom(String gallery, String image, SemanticVersion version) throws CatalogException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sbom_path FROM image_versions WHERE gallery = ? AND image = ? AND version = ?")) {
                ps.setString(1, gallery);
                ps.setString(2, image);
                ps.setString(3, version.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** The data disk images of a version, by LUN; none for an OS image. */
    public List<DataDiskImage> dataDisks(String gallery, String image, SemanticVersion version) {
        return db.read(c -> {
            List<DataDiskImage> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM image_version_data_disks WHERE gallery = ?"
                    + " AND image = ? AND version = ? ORDER BY lun")) {
                bind(ps, gallery, image, version.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long dataBytes = rs.getLong("data_bytes");
                        Optional<Long> data = rs.wasNull() ? Optional.empty() : Optional.of(dataBytes);
                        out.add(new DataDiskImage(rs.getInt("lun"), rs.getString("host_caching"), rs.getString("vhd"),
                                rs.getLong("virtual_size"), rs.getLong("file_size"), data, rs.getString("md5"),
                                rs.getString("sha256"), rs.getString("source_sha256"), opt(rs, "blob_uri"),
                                opt(rs, "integrity")));
                    }
                }
            }
            return out;
        });
    }

    /** Records that a data disk of {@code version} is in the page blob {@code blobUri}, its MD5 verified. */
    public void recordDataDiskUpload(String gallery, String image, SemanticVersion version, int lun, String blobUri)
            throws CatalogException {
        if (blobUri.contains("?")) {
            throw new IllegalArgumentException("a blob URI with a query (SAS token) must not be stored");
        }
        int n = db.read(c -> update(c, "UPDATE image_version_data_disks SET blob_uri = ? WHERE gallery = ? AND image = ?"
                + " AND version = ? AND lun = ?", blobUri, gallery, image, version.toString(), lun));
        if (n == 0) {
            throw new CatalogException(CatalogException.Reason.NOT_FOUND,
                    "version " + version + " of " + gallery + "/" + image + " has no data disk at LUN " + lun);
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
                    // The identifier of a definition cannot change in Azure either.
                    String registered = rs.getString("publisher") + "/" + rs.getString("offer") + "/" + rs.getString("sku");
                    String asked = meta.publisher() + "/" + meta.offer() + "/" + meta.sku();
                    if (!registered.equals(asked)) {
                        conflicts.add("publisher/offer/sku is " + registered + " in the definition but the metadata asks for "
                                + asked);
                    }
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
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM image_definitions WHERE gallery = ? AND publisher = ? AND offer = ? AND sku = ?")) {
            ps.setString(1, meta.gallery());
            ps.setString(2, meta.publisher());
            ps.setString(3, meta.offer());
            ps.setString(4, meta.sku());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new Refusal(new CatalogException(CatalogException.Reason.CONFLICTING_DEFINITION,
                            "publisher/offer/sku " + meta.publisher() + "/" + meta.offer() + "/" + meta.sku()
                                    + " is already used by image definition " + rs.getString(1) + " in gallery "
                                    + meta.gallery() + "; give this definition another sku or offer"));
                }
            }
        }
        ImageMetadata.Recommended r = meta.recommended();
        update(c, "INSERT INTO image_definitions(gallery, name, publisher, offer, sku, os_type, os_state,"
                        + " hyper_v_generation, architecture, description, eula, end_of_life, tags_json, created_at,"
                        + " features_json, privacy_statement_uri, release_note_uri, vcpus_min, vcpus_max,"
                        + " memory_gb_min, memory_gb_max)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                meta.gallery(), meta.imageDefinition(), meta.publisher(), meta.offer(), meta.sku(),
                facts.osType().orElse(null), facts.osState(), facts.hyperVGeneration().orElse(null),
                facts.architecture().orElse(null), meta.description(), meta.eula(), meta.endOfLife(),
                toJson(meta.tags()), now, toJson(meta.features()), meta.privacyStatementUri(), meta.releaseNoteUri(),
                r == null ? null : r.vCpusMin(), r == null ? null : r.vCpusMax(),
                r == null ? null : r.memoryGbMin(), r == null ? null : r.memoryGbMax());
    }

    private String toJson(Map<String, String> m) {
        try {
            return json.writeValueAsString(m == null ? Map.of() : new java.util.TreeMap<>(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> fromJson(String text) {
        try {
            return text == null ? Map.of() : Map.copyOf(json.readValue(text, STRING_MAP));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON in the catalog: " + e.getOriginalMessage(), e);
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

    private List<ImageDefinitionRecord> definitions(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<ImageDefinitionRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer vMin = integer(rs, "vcpus_min");
                    Integer vMax = integer(rs, "vcpus_max");
                    Integer mMin = integer(rs, "memory_gb_min");
                    Integer mMax = integer(rs, "memory_gb_max");
                    Optional<ImageMetadata.Recommended> rec = vMin == null && vMax == null && mMin == null && mMax == null
                            ? Optional.empty() : Optional.of(new ImageMetadata.Recommended(vMin, vMax, mMin, mMax));
                    out.add(new ImageDefinitionRecord(rs.getString("gallery"), rs.getString("name"),
                            rs.getString("publisher"), rs.getString("offer"), rs.getString("sku"),
                            opt(rs, "os_type"), rs.getString("os_state"), opt(rs, "hyper_v_generation"),
                            opt(rs, "architecture"), opt(rs, "description"), opt(rs, "eula"),
                            opt(rs, "privacy_statement_uri"), opt(rs, "release_note_uri"), opt(rs, "end_of_life"),
                            fromJson(rs.getString("features_json")), rec, fromJson(rs.getString("tags_json")),
                            rs.getString("created_at")));
                }
            }
            return out;
        }
    }

    private static Optional<String> opt(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
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
            bind(ps, args);
            List<ImageVersionRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long dataBytes = rs.getLong("data_bytes");
                    Optional<Long> data = rs.wasNull() ? Optional.empty() : Optional.of(dataBytes);
                    out.add(new ImageVersionRecord(rs.getString("gallery"), rs.getString("image"),
                            new SemanticVersion(rs.getInt("major"), rs.getInt("minor"), rs.getInt("patch")),
                            rs.getBoolean("exclude_from_latest"), rs.getString("end_of_life"),
                            rs.getString("published_at"), rs.getString("package_path"), rs.getLong("virtual_size"),
                            rs.getLong("file_size"), rs.getString("md5"), rs.getString("sha256"),
                            rs.getString("source_sha256"), rs.getString("verdict"), rs.getString("source_job"),
                            data, opt(rs, "blob_uri"), opt(rs, "uploaded_at"),
                            java.util.Arrays.stream(rs.getString("digests").split(" ")).filter(d -> !d.isEmpty())
                                    .toList(), opt(rs, "integrity")));
                }
            }
            return out;
        }
    }
}
