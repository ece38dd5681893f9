package io.vhdflow.inspect.sbom;

import io.vhdflow.inspect.packages.InstalledPackage;
import io.vhdflow.inspect.packages.PackageDatabase;
import io.vhdflow.inspect.packages.SoftwareInventory;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.metadata.ToolInformation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The software bill of materials of an image in CycloneDX {@value #SPEC_VERSION} JSON, made with
 * the CycloneDX project's own library ({@code cyclonedx-core-java}): the image as the BOM's
 * subject, each operating system found as an {@code operating-system} component, and each
 * installed package as a component with its package URL ({@code pkg:deb/debian/...},
 * {@code pkg:rpm/redhat/...}, {@code pkg:apk/alpine/...}) or, for a Windows program, its uninstall key.
 * vhdflow's own facts (architecture, database, volume) are {@code vhdflow:*} properties.
 */
public final class CycloneDxSbom {

    public static final String SPEC_VERSION = "1.6";
    static final Version SPEC = Version.VERSION_16;
    /** What the pipeline names the file in a package folder. */
    public static final String FILE_NAME = "sbom.cdx.json";

    private CycloneDxSbom() {
    }

    /** vhdflow's version as packaged (the jar's manifest), for the BOM's tool entry. */
    public static String toolVersion() {
        return java.util.Optional.ofNullable(CycloneDxSbom.class.getPackage().getImplementationVersion()).orElse("development");
    }

    /** The BOM of {@code image} with what {@code inventories} list, made by this vhdflow. */
    public static Bom bom(String image, List<SoftwareInventory> inventories, Instant at) {
        return bom(image, inventories, at, toolVersion());
    }

    /** The BOM of {@code image} with what {@code inventories} list. */
    public static Bom bom(String image, List<SoftwareInventory> inventories, Instant at, String toolVersion) {
        Bom bom = new Bom();
        bom.setSerialNumber("urn:uuid:" + UUID.randomUUID());
        bom.setVersion(1);
        Metadata meta = new Metadata();
        meta.setTimestamp(Date.from(at));
        Component tool = new Component();
        tool.setType(Component.Type.APPLICATION);
        tool.setName("vhdflow");
        tool.setVersion(toolVersion);
        ToolInformation tools = new ToolInformation();
        tools.setComponents(List.of(tool));
        meta.setToolChoice(tools);
        Component subject = new Component();
        subject.setType(Component.Type.FILE);
        subject.setName(image);
        subject.setBomRef("image");
        meta.setComponent(subject);
        bom.setMetadata(meta);

        List<Component> components = new ArrayList<>();
        Set<String> refs = new HashSet<>();
        for (SoftwareInventory inv : inventories) {
            Component os = new Component();
            os.setType(Component.Type.OPERATING_SYSTEM);
            os.setName(inv.osId());
            inv.osVersion().ifPresent(os::setVersion);
            os.setBomRef(unique(refs, "os:" + inv.location()));
            List<Property> osProps = new ArrayList<>();
            osProps.add(property("vhdflow:location", inv.location()));
            for (PackageDatabase db : inv.databases()) {
                osProps.add(property("vhdflow:package-database", db.format() + " " + db.path() + " (" + db.packages()
                        + " packages" + db.problem().map(p -> "; " + p).orElse("") + ")"));
            }
            os.setProperties(osProps);
            components.add(os);
            for (InstalledPackage p : inv.packages()) {
                components.add(component(p, inv, refs));
            }
        }
        bom.setComponents(components);
        return bom;
    }

    private static Component component(InstalledPackage p, SoftwareInventory inv, Set<String> refs) {
        Component c = new Component();
        c.setType(p.ecosystem() == InstalledPackage.Ecosystem.WINDOWS ? Component.Type.APPLICATION : Component.Type.LIBRARY);
        c.setName(p.name());
        if (!p.version().isEmpty()) {
            c.setVersion(p.version());
        }
        p.purl().ifPresent(c::setPurl);
        c.setBomRef(unique(refs, p.purl().orElse(p.ecosystem().label() + ":" + p.name() + "@" + p.version())));
        p.publisher().ifPresent(c::setPublisher);
        p.license().filter(l -> !l.isBlank()).ifPresent(l -> {
            License lic = new License();
            lic.setName(l);
            LicenseChoice choice = new LicenseChoice();
            choice.addLicense(lic);
            c.setLicenses(choice);
        });
        List<Property> props = new ArrayList<>();
        props.add(property("vhdflow:package-type", p.ecosystem().label()));
        p.arch().ifPresent(a -> props.add(property("vhdflow:arch", a)));
        p.epoch().ifPresent(e -> props.add(property("vhdflow:epoch", e)));
        props.add(property("vhdflow:location", inv.location()));
        c.setProperties(props);
        return c;
    }

    /** The BOM as CycloneDX JSON. */
    public static String json(Bom bom) throws IOException {
        try {
            return BomGeneratorFactory.createJson(SPEC, bom).toJsonString();
        } catch (GeneratorException e) {
            throw new IOException("cannot write the CycloneDX SBOM: " + e.getMessage(), e);
        }
    }

    /** Writes the BOM to {@code file}, whole or not at all (a temporary file renamed into place). */
    public static void write(Path file, Bom bom) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        // Beside the target, so the rename is atomic; created with the process's usual permissions.
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".partial");
        try {
            Files.writeString(tmp, json(bom), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Property property(String name, String value) {
        Property p = new Property();
        p.setName(name);
        p.setValue(value);
        return p;
    }

    /** bom-refs must be unique in a BOM: the same package in two databases gets a suffix. */
    private static String unique(Set<String> refs, String ref) {
        String r = ref;
        for (int i = 2; !refs.add(r); i++) {
            r = ref + "#" + i;
        }
        return r;
    }
}
