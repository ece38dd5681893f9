package io.vhdflow.fuzz;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Bounded fuzzing in {@code mvn verify} (issue 22): for every reader, mutants of a real image end in
 * a read or a typed error, within 20 s, never a crash, a hang or an out-of-memory; a verification
 * never says ready while a check that ran on the undamaged image could not run on the mutant. The same campaign
 * runs for minutes with {@code bench/fuzz.sh}. Each try is one mutant made from jqwik's seed, so a
 * failure is reproduced by the seed jqwik prints.
 */
class ReaderMutationProperties {
    private static final long TIMEOUT_S = 20;
    private static Path dir;
    private static MutationCampaign campaign;
    private static List<MutationCampaign.Target> targets;

    @BeforeContainer
    static void unpack() throws IOException {
        dir = Files.createTempDirectory("vhdflow-fuzz");
        targets = MutationCampaign.targets(dir);
        campaign = new MutationCampaign();
    }

    @AfterContainer
    static void clean() throws IOException {
        campaign.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void survives(String reader, long seed) {
        MutationCampaign.Target t = targets.stream().filter(x -> x.name().equals(reader)).findFirst().orElseThrow();
        MutationCampaign.Result r = campaign.run(t, MutationCampaign.mutate(t.size(), new Random(seed)), TIMEOUT_S);
        if (r.outcome().defect()) {
            AssertionError e = new AssertionError(reader + " mutant of seed " + seed + ": " + r.outcome()
                    + r.failure().map(f -> " " + f).orElse(""));
            r.failure().ifPresent(e::initCause);
            throw e;
        }
    }

    @Property(tries = 40)
    void vhdDynamic(@ForAll long seed) {
        survives("vhd-dynamic", seed);
    }

    @Property(tries = 20)
    void vhdFixed(@ForAll long seed) {
        survives("vhd-fixed", seed);
    }

    @Property(tries = 20)
    void vhdx(@ForAll long seed) {
        survives("vhdx", seed);
    }

    @Property(tries = 20)
    void qcow2(@ForAll long seed) {
        survives("qcow2", seed);
    }

    @Property(tries = 20)
    void vmdkSparse(@ForAll long seed) {
        survives("vmdk-sparse", seed);
    }

    @Property(tries = 20)
    void vmdkStream(@ForAll long seed) {
        survives("vmdk-stream", seed);
    }

    @Property(tries = 30)
    void mbr(@ForAll long seed) {
        survives("mbr", seed);
    }

    @Property(tries = 30)
    void gptAndLvm(@ForAll long seed) {
        survives("gpt-lvm", seed);
    }

    @Property(tries = 40)
    void ext4(@ForAll long seed) {
        survives("ext4", seed);
    }

    @Property(tries = 40)
    void xfs(@ForAll long seed) {
        survives("xfs", seed);
    }

    @Property(tries = 40)
    void ntfs(@ForAll long seed) {
        survives("ntfs", seed);
    }

    @Property(tries = 40)
    void fat32(@ForAll long seed) {
        survives("fat32", seed);
    }

    @Property(tries = 40)
    void btrfs(@ForAll long seed) {
        survives("btrfs", seed);
    }

    @Property(tries = 40)
    void registryHive(@ForAll long seed) {
        survives("regf", seed);
    }

    @Property(tries = 10)
    void linuxVerificationOnMbrAndExt4(@ForAll long seed) {
        survives("verify-ext4-mbr", seed);
    }

    @Property(tries = 10)
    void linuxVerificationOnGptLvmAndXfs(@ForAll long seed) {
        survives("verify-xfs-lvm-gpt", seed);
    }

    @Property(tries = 10)
    void windowsVerificationOnGptAndNtfs(@ForAll long seed) {
        survives("verify-ntfs-windows", seed);
    }

    @Property(tries = 10)
    void linuxVerificationOnGptAndBtrfs(@ForAll long seed) {
        survives("verify-btrfs-suse", seed);
    }

    @Property(tries = 10)
    void linuxVerificationOfABootableGen1Image(@ForAll long seed) {
        survives("verify-gen1-grub", seed);
    }
}
