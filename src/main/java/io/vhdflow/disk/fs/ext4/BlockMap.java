package io.vhdflow.disk.fs.ext4;

import java.io.IOException;

/** Maps a file's logical blocks to filesystem blocks: an extent tree or a classic indirect block map. */
interface BlockMap {

    /**
     * A run of logical blocks starting at {@code logical}: mapped to consecutive physical blocks
     * from {@code physical}, or a hole (physical -1, read as zeros; also unwritten extents).
     */
    record Run(long logical, long physical, long length) {
        boolean isHole() {
            return physical < 0;
        }
    }

    /**
     * The run containing {@code logicalBlock}; its length is at least 1 and may be clamped by the
     * caller to the file's end.
     */
    Run find(long logicalBlock) throws IOException;

    /** Highest logical block count a file with this map can address. */
    long maxBlocks();
}
