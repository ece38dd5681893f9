package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What vhdflow needs of an OVF descriptor (DMTF DSP0243, versions 1.x and 2.x): the files it
 * references, its virtual disks, and which disk the virtual machine boots from. Element and
 * attribute names are matched by local name, so the OVF 1 and 2 namespaces both work. The XML is
 * parsed with DTDs and external entities refused.
 *
 * <pre>
 * Envelope/References/File       ovf:id, ovf:href (the member's name), ovf:size,
 *                                ovf:compression ("gzip": not readable in place), ovf:chunkSize
 * Envelope/DiskSection/Disk      ovf:diskId, ovf:fileRef (a File id), ovf:capacity,
 *                                ovf:capacityAllocationUnits ("byte * 2^30"), ovf:format (a URI,
 *                                e.g. ...vmdk.html#streamOptimized)
 * VirtualSystem/VirtualHardwareSection/Item (rasd:)
 *                                ResourceType 17 disk drive: HostResource "ovf:/disk/&lt;diskId&gt;",
 *                                Parent (a controller's InstanceID), AddressOnParent;
 *                                controllers: ResourceType 5 IDE, 6 SCSI, 20 SATA / other
 * </pre>
 *
 * The OS disk is the first disk in boot order, taken as: disk drives by the order their controllers
 * appear in the hardware section, then by their address on the controller, then by their own
 * order; a disk no drive references comes after, in the disk section's order.
 */
final class OvfDescriptor {
    static final int MAX_BYTES = 4 << 20;
    private static final Pattern UNITS = Pattern.compile("^\\s*byte\\s*(?:\\*\\s*(\\d+)\\s*\\^\\s*(\\d+))?\\s*$",
            Pattern.CASE_INSENSITIVE);

    /**
     * A disk as the OVF describes it.
     *
     * @param diskId      the disk's id
     * @param href        the member holding it
     * @param fileSize    the size the References section gives the file, if any
     * @param capacity    the virtual size in bytes, if the OVF gives a number
     * @param format      the format URI, if any
     * @param compression the file's compression, if any
     * @param chunked     whether the file is split in chunks
     * @param controller  the controller it hangs on ("SCSI controller 0"), if any
     * @param address     its address on that controller, if any
     */
    record Disk(String diskId, String href, Optional<Long> fileSize, Optional<Long> capacity, Optional<String> format,
                Optional<String> compression, boolean chunked, Optional<String> controller, Optional<String> address) {
    }

    private OvfDescriptor() {
    }

    /** The disks in boot order: the first is the OS disk. */
    static List<Disk> disks(byte[] xml, String name) throws DiskException {
        Document doc = parse(xml, name);
        String s = "OVF descriptor " + name;
        Map<String, Element> files = new HashMap<>();
        for (Element f : elements(doc, "File")) {
            attr(f, "id").ifPresent(id -> files.put(id, f));
        }
        List<Element> diskElements = elements(doc, "Disk");
        if (diskElements.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, s, -1, "the descriptor lists no disk (DiskSection/Disk)");
        }
        Map<String, Integer> controllerOrder = new HashMap<>();
        Map<String, String> controllerName = new HashMap<>();
        Map<String, long[]> driveOrder = new HashMap<>();
        Map<String, String[]> driveWhere = new HashMap<>();
        List<Element> items = new ArrayList<>(elements(doc, "Item"));
        items.addAll(elements(doc, "StorageItem"));
        int position = 0;
        for (Element item : items) {
            String type = text(item, "ResourceType").orElse("");
            Optional<String> id = text(item, "InstanceID");
            if (type.equals("5") || type.equals("6") || type.equals("20") || type.equals("37")) {
                id.ifPresent(i -> {
                    controllerOrder.putIfAbsent(i, controllerOrder.size());
                    controllerName.put(i, text(item, "ElementName").orElse(switch (type) {
                        case "5" -> "IDE controller";
                        case "6" -> "SCSI controller";
                        default -> "SATA controller";
                    }));
                });
            }
        }
        for (Element item : items) {
            position++;
            if (!text(item, "ResourceType").orElse("").equals("17")) {
                continue;
            }
            Optional<String> host = text(item, "HostResource");
            if (host.isEmpty()) {
                continue;
            }
            String ref = host.get().replaceFirst("^(ovf:)?/disk/", "").replaceFirst("^ovf:/file/", "");
            String parent = text(item, "Parent").orElse("");
            long controller = controllerOrder.getOrDefault(parent, Integer.MAX_VALUE);
            long address;
            try {
                address = Long.parseLong(text(item, "AddressOnParent").orElse("").strip());
            } catch (NumberFormatException e) {
                address = Long.MAX_VALUE / 2;
            }
            driveOrder.putIfAbsent(ref, new long[] {controller, address, position});
            driveWhere.putIfAbsent(ref, new String[] {controllerName.get(parent), text(item, "AddressOnParent").orElse(null)});
        }
        List<Disk> disks = new ArrayList<>();
        List<long[]> order = new ArrayList<>();
        int index = 0;
        for (Element d : diskElements) {
            String diskId = attr(d, "diskId").orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, s, -1,
                    "a Disk element has no ovf:diskId"));
            String fileRef = attr(d, "fileRef").orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, s, -1,
                    "disk " + diskId + " names no file (ovf:fileRef): an empty disk vhdflow cannot package"));
            Element file = files.get(fileRef);
            if (file == null) {
                throw new DiskException(ErrorKind.CORRUPT, s, -1, "disk " + diskId + " refers to file " + fileRef
                        + ", which the References section does not list");
            }
            String href = attr(file, "href").orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, s, -1, "file "
                    + fileRef + " has no ovf:href"));
            Optional<Long> capacity = capacity(d);
            String[] where = driveWhere.getOrDefault(diskId, driveWhere.getOrDefault(fileRef, new String[2]));
            disks.add(new Disk(diskId, href, attr(file, "size").flatMap(OvfDescriptor::number), capacity,
                    attr(d, "format"), attr(file, "compression").filter(c -> !c.isBlank() && !c.equals("identity")),
                    attr(file, "chunkSize").isPresent(), Optional.ofNullable(where[0]), Optional.ofNullable(where[1])));
            long[] o = driveOrder.getOrDefault(diskId, driveOrder.get(fileRef));
            order.add(o != null ? o : new long[] {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - diskElements.size()
                    + index});
            index++;
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < disks.size(); i++) {
            idx.add(i);
        }
        idx.sort(Comparator.<Integer>comparingLong(i -> order.get(i)[0]).thenComparingLong(i -> order.get(i)[1])
                .thenComparingLong(i -> order.get(i)[2]));
        return idx.stream().map(disks::get).toList();
    }

    private static Optional<Long> capacity(Element d) {
        Optional<Long> n = attr(d, "capacity").flatMap(OvfDescriptor::number);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        String units = attr(d, "capacityAllocationUnits").orElse("byte");
        Matcher m = UNITS.matcher(units);
        if (!m.matches()) {
            return Optional.empty();
        }
        long factor = 1;
        if (m.group(1) != null) {
            int base = Integer.parseInt(m.group(1));
            int exp = Integer.parseInt(m.group(2));
            for (int i = 0; i < exp && factor <= DiskImages.MAX_VIRTUAL_SIZE; i++) {
                factor *= base;
            }
        }
        if (factor > DiskImages.MAX_VIRTUAL_SIZE || n.get() > DiskImages.MAX_VIRTUAL_SIZE / Math.max(1, factor)) {
            return Optional.empty();
        }
        return Optional.of(n.get() * factor);
    }

    private static Optional<Long> number(String s) {
        try {
            long v = Long.parseLong(s.strip());
            return v < 0 ? Optional.empty() : Optional.of(v);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Document parse(byte[] xml, String name) throws DiskException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException e) {
            throw new DiskException(ErrorKind.CORRUPT, "OVF descriptor " + name, -1, "not well-formed XML (or uses a"
                    + " DTD, which is refused): " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a secure-processing feature", e);
        }
    }

    private static List<Element> elements(Document doc, String localName) {
        NodeList nl = doc.getElementsByTagNameNS("*", localName);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            out.add((Element) nl.item(i));
        }
        return out;
    }

    /** An attribute by local name, whatever its namespace prefix. */
    private static Optional<String> attr(Element e, String localName) {
        NamedNodeMap as = e.getAttributes();
        for (int i = 0; i < as.getLength(); i++) {
            Attr a = (Attr) as.item(i);
            String ln = a.getLocalName() != null ? a.getLocalName() : a.getName();
            if (ln.equals(localName)) {
                return Optional.of(a.getValue());
            }
        }
        return Optional.empty();
    }

    /** The text of the first child element with this local name. */
    private static Optional<String> text(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && localName.equals(c.getLocalName())) {
                return Optional.of(c.getTextContent().strip());
            }
        }
        return Optional.empty();
    }
}
