package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files whose attributes spill into extension records through an $ATTRIBUTE_LIST (made by ntfs-3g). */
class NtfsAttributeListTest {

    @TempDir
    static Path tmp;
    static FileByteSource src;
    static NtfsFilesystem fs;

    @BeforeAll
    static void open() throws IOException {
        src = FileByteSource.open(Fixtures.extract("ntfs/ntfs-attrlist.img.zst", tmp));
        fs = NtfsFilesystem.open(src);
    }

    @AfterAll
    static void close() throws IOException {
        src.close();
    }

    @Test
    void hardLinksInExtensionRecords() throws IOException {
        NtfsFile f = fs.record(fs.stat("/attrlist/many-links.txt").inode());
        assertTrue(f.base().attributes().stream().anyMatch(a -> a.type() == AttributeRecord.ATTRIBUTE_LIST));
        assertTrue(Fixtures.text("ntfs/ntfs-attrlist.ntfsinfo.txt")
                .contains("$ATTRIBUTE_LIST (0x20) from mft record " + f.number()));
        long inBase = f.base().attributes().stream().filter(a -> a.type() == AttributeRecord.FILE_NAME).count();
        assertTrue(f.fileNames().size() > inBase, "names live in extension records");
        assertEquals(41, fs.stat("/attrlist/many-links.txt").linkCount());
        for (int i = 1; i <= 40; i++) {
            String p = String.format("/attrlist/link-with-a-longish-name-%02d.txt", i);
            assertEquals(f.number(), fs.stat(p).inode(), p);
        }
        assertEquals("many names\n", fs.readString("/attrlist/LINK-WITH-A-LONGISH-NAME-17.TXT", 100));
        long listed = fs.list("/attrlist").stream().map(DirEntry::name).filter(n -> n.startsWith("link-")).count();
        assertEquals(40, listed);
    }

    @Test
    void dataSplitOverExtents() throws IOException {
        NtfsFile vf = fs.record(fs.stat("/attrlist/very-fragmented.bin").inode());
        long extents = vf.attributes().stream().filter(a -> a.type() == AttributeRecord.DATA).count();
        assertTrue(extents >= 2, "$DATA should be split over extension records, extents: " + extents);
        NonResidentData d = (NonResidentData) fs.data(vf, "/attrlist/very-fragmented.bin");
        assertEquals(320 * 4096, d.size());
        // ntfsinfo -v lists each extent's runlist as "VCN LCN length" lines (hex); <RL_NOT_MAPPED> lines
        // stand for the VCNs another extent maps. The second "Dumping Inode" is very-fragmented.bin.
        String info = Fixtures.text("ntfs/ntfs-attrlist.ntfsinfo.txt");
        String vfDump = info.substring(info.indexOf("Dumping Inode", info.indexOf("Dumping Inode") + 1));
        vfDump = vfDump.substring(vfDump.indexOf("Dumping attribute $DATA")); // skip the $ATTRIBUTE_LIST's own runlist
        java.util.List<DataRun> expected = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?m)^\\t\\t\\t0x([0-9a-f]+)\\t\\t0x([0-9a-f]+)\\t\\t0x([0-9a-f]+)$").matcher(vfDump);
        while (m.find()) {
            expected.add(new DataRun(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16),
                    Long.parseLong(m.group(3), 16)));
        }
        assertTrue(expected.size() > 200);
        assertEquals(expected.size(), d.runs().size());
        assertTrue(expected.equals(d.runs()), "runs differ from ntfsinfo's");
        byte[] all = fs.readAllBytes("/attrlist/very-fragmented.bin", 2 << 20);
        for (int i = 0; i < 320; i++) {
            assertEquals((byte) (i % 251), all[i * 4096], "cluster " + i);
            assertEquals((byte) (i / 251 + 1), all[i * 4096 + 4095], "cluster " + i);
        }
    }

    @Test
    void hashesMatchTheMount() throws Exception {
        Map<String, String> expected = NtfsFilesystemTest.hashes("ntfs/ntfs-attrlist.sha256");
        assertEquals(42, expected.size());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            try (InputStream in = fs.newInputStream(e.getKey())) {
                assertEquals(e.getValue(), NtfsFilesystemTest.sha256(in), e.getKey());
            }
        }
    }
}
