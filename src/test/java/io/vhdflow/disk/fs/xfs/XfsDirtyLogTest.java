package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import io.vhdflow.disk.fs.DirEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A filesystem shut down with {@code xfs_io -x -c shutdown} after a sync: xfs_logprint calls its
 * log DIRTY (recorded at creation); we must report it, and still read what reached the disk.
 */
class XfsDirtyLogTest {
    @TempDir
    Path dir;

    @Test
    void dirtyLogIsAFinding() throws IOException {
        assertTrue(Fixtures.text("xfs/dirty.logprint.txt").contains("state: <DIRTY>"));
        try (FileByteSource src = FileByteSource.open(Fixtures.extract("xfs/dirty.img.zst", dir))) {
            XfsFilesystem fs = XfsFilesystem.open(src);
            List<Finding> log = fs.findings().stream().filter(f -> f.code().equals("xfs.log-dirty")).toList();
            assertEquals(1, log.size(), fs.findings().toString());
            // The finding points into the internal log: logstart * blocksize .. + logblocks * blocksize.
            String sb = Fixtures.text("xfs/dirty.sb.txt");
            long logstart = Long.parseLong(value(sb, "logstart"));
            long logblocks = Long.parseLong(value(sb, "logblocks"));
            long bs = Long.parseLong(value(sb, "blocksize"));
            long agblocks = Long.parseLong(value(sb, "agblocks"));
            long agblklog = Long.parseLong(value(sb, "agblklog"));
            long logByte = ((logstart >>> agblklog) * agblocks + (logstart & ((1L << agblklog) - 1))) * bs;
            long at = log.get(0).offset();
            assertTrue(at >= logByte && at < logByte + logblocks * bs, "offset " + at);
            // Without replay we see what reached its home location, exactly as xfs_db did.
            Set<String> db = Fixtures.text("xfs/dirty.ls.txt").lines().skip(1).map(l -> l.split("\\s+"))
                    .map(t -> t[t.length - 2]).filter(n -> !n.equals(".") && !n.equals(".."))
                    .collect(Collectors.toSet());
            assertEquals(db, fs.list("/").stream().map(DirEntry::name).collect(Collectors.toSet()));
            assertTrue(db.contains("before-crash") && !db.contains("after-thaw"), db.toString());
            assertEquals("written before the crash\n", fs.readString("/before-crash/file.txt", 100));
        }
    }

    @Test
    void cleanLogsAreNotFindings() throws IOException {
        assertTrue(Fixtures.text("xfs/v5.logprint.txt").contains("state: <CLEAN>"));
        for (String name : List.of("xfs/v5.img.zst", "xfs/v4.img.zst")) {
            try (FileByteSource src = FileByteSource.open(Fixtures.extract(name, dir))) {
                assertEquals(List.of(), XfsFilesystem.open(src).findings(), name);
            }
        }
    }

    @Test
    void logHeadMatchesXfsLogprint() throws IOException {
        for (String name : List.of("v5", "dirty")) {
            String print = Fixtures.text("xfs/" + name + ".logprint.txt");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("head: (\\d+)").matcher(print);
            assertTrue(m.find(), print);
            try (FileByteSource src = FileByteSource.open(Fixtures.extract("xfs/" + name + ".img.zst", dir))) {
                XfsSuperblock sb = XfsFilesystem.open(src).superblock();
                long start = sb.fsbToByte(sb.logStart(), sb.logBlocks(), "t", -1);
                assertEquals(Long.parseLong(m.group(1)), XfsLog.head(src, start, sb.logBlocks() * sb.blockSize() / 512),
                        name);
            }
        }
    }

    static String value(String xfsDbPrint, String field) {
        return xfsDbPrint.lines().filter(l -> l.startsWith(field + " = ")).findFirst().orElseThrow()
                .substring(field.length() + 3).trim();
    }
}
