package io.vhdflow.cli;

import io.vhdflow.catalog.ImageDefinitionRecord;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.ImageVersionRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog as the CLI prints it, field names as in Azure Compute Gallery where one exists, so
 * the JSON reads like the gallery's own resources. Blob URIs never carry a SAS token (the
 * catalog refuses to store one).
 */
final class CatalogView {
    private CatalogView() {
    }

    static Map<String, Object> definition(ImageDefinitionRecord d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gallery", d.gallery());
        m.put("name", d.name());
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("publisher", d.publisher());
        id.put("offer", d.offer());
        id.put("sku", d.sku());
        m.put("identifier", id);
        m.put("osType", d.osType().orElse(null));
        m.put("osState", d.osState());
        m.put("hyperVGeneration", d.hyperVGeneration().orElse(null));
        m.put("architecture", d.architecture().orElse(null));
        m.put("features", d.features());
        m.put("description", d.description().orElse(null));
        m.put("eula", d.eula().orElse(null));
        m.put("privacyStatementUri", d.privacyStatementUri().orElse(null));
        m.put("releaseNoteUri", d.releaseNoteUri().orElse(null));
        m.put("endOfLifeDate", d.endOfLife().orElse(null));
        m.put("recommended", d.recommended().map(CatalogView::recommended).orElse(null));
        m.put("tags", d.tags());
        m.put("createdAt", d.createdAt());
        return m;
    }

    private static Map<String, Object> recommended(ImageMetadata.Recommended r) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("min", r.vCpusMin());
        cpu.put("max", r.vCpusMax());
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("min", r.memoryGbMin());
        mem.put("max", r.memoryGbMax());
        m.put("vCPUs", cpu);
        m.put("memory", mem);
        return m;
    }

    /** A version with its data disk images (a VM image's {@code dataDiskImages}, by LUN), when it has any. */
    static Map<String, Object> version(io.vhdflow.catalog.Catalog catalog, ImageVersionRecord v) {
        Map<String, Object> m = version(v);
        List<io.vhdflow.catalog.DataDiskImage> data = catalog.dataDisks(v.gallery(), v.image(), v.version());
        if (!data.isEmpty()) {
            m.put("dataDiskImages", data.stream().map(CatalogView::dataDisk).toList());
        }
        return m;
    }

    static Map<String, Object> dataDisk(io.vhdflow.catalog.DataDiskImage d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lun", d.lun());
        m.put("hostCaching", d.hostCaching());
        m.put("vhd", d.vhd());
        m.put("virtualSize", d.virtualSize());
        m.put("fileSize", d.fileSize());
        m.put("dataBytes", d.dataBytes().orElse(null));
        m.put("md5", d.md5());
        m.put("sha256", d.sha256());
        m.put("sourceSha256", d.sourceSha256());
        m.put("blobUri", d.blobUri().orElse(null));
        return m;
    }

    static Map<String, Object> version(ImageVersionRecord v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gallery", v.gallery());
        m.put("image", v.image());
        m.put("version", v.version().toString());
        m.put("excludeFromLatest", v.excludeFromLatest());
        m.put("endOfLifeDate", v.endOfLife());
        m.put("publishedDate", v.publishedAt());
        m.put("packagePath", v.packagePath());
        m.put("virtualSize", v.virtualSize());
        m.put("fileSize", v.fileSize());
        m.put("dataBytes", v.dataBytes().orElse(null));
        m.put("md5", v.md5().isEmpty() ? null : v.md5());
        m.put("sha256", v.sha256().isEmpty() ? null : v.sha256());
        m.put("digests", v.digests());
        m.put("integrity", v.integrity().orElse(null));
        m.put("sourceSha256", v.sourceSha256());
        m.put("verdict", v.verdict());
        m.put("sourceJob", v.sourceJob());
        m.put("blobUri", v.blobUri().orElse(null));
        m.put("uploadedAt", v.uploadedAt().orElse(null));
        return m;
    }
}
