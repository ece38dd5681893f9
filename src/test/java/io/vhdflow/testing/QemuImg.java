package io.vhdflow.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * qemu-img, the peer every container reader is cross-checked against, run in the same test.
 * Missing, it skips the test on a developer's machine and fails it in CI ({@link ExternalTools}).
 */
public final class QemuImg {
    private QemuImg() {
    }

    /** Runs {@code qemu-img args...}, returning its output; fails the test when it fails. */
    public static String run(String... args) throws IOException, InterruptedException {
        ExternalTools.require("qemu-img", "qemu-utils");
        List<String> cmd = new ArrayList<>(List.of("qemu-img"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " failed: " + text);
        }
        return text;
    }

    /** qemu-img's raw reading of {@code image} ({@code qemu-img convert -O raw}), written to {@code out}. */
    public static Path raw(Path image, Path out) throws IOException, InterruptedException {
        run("convert", "-O", "raw", image.toString(), out.toString());
        return out;
    }
}
