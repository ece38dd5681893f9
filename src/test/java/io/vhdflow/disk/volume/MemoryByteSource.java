package io.vhdflow.disk.volume;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** A byte array as a source, for tests that craft or damage small images in memory. */
public final class MemoryByteSource implements ByteSource {
    private final byte[] data;
    private final String name;

    public MemoryByteSource(byte[] data, String name) {
        this.data = data;
        this.name = name;
    }

    public static MemoryByteSource of(Path file) throws IOException {
        return new MemoryByteSource(Files.readAllBytes(file), file.getFileName().toString());
    }

    public byte[] data() {
        return data;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        if (offset >= data.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), data.length - offset);
        dst.put(data, (int) offset, n);
        return n;
    }

    @Override
    public String describe() {
        return name;
    }
}
