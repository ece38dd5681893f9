package io.vhdflow.inspect.linux.boot;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The boot configuration parsers on the shapes the real generators write: grub-mkconfig's
 * grub.cfg (default by index, id, title, submenu path, saved_entry), a RHEL-style blscfg
 * grub.cfg with BLS entries and grubenv kernelopts (written by hand in the shape grub2-mkconfig and
 * kernel-install produce: labelled synthetic), fstab device fields.
 */
class BootConfigParsersTest {

    static final String GRUB = """
            if [ "${next_entry}" ] ; then
               set default="${next_entry}"
            else
               set default="%s"
            fi
            function load_video {
              insmod all_video
            }
            menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-1234' {
            \tlinux\t/vmlinuz-6.1.0-28-amd64 root=UUID=1234 ro quiet
            \tinitrd\t/initrd.img-6.1.0-28-amd64
            }
            submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-1234' {
            \tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-28-amd64' $menuentry_id_option 'gnulinux-6.1.0-28-amd64-advanced-1234' {
            \t\tlinux\t/vmlinuz-6.1.0-28-amd64 root=UUID=1234 ro quiet
            \t\tinitrd\t/initrd.img-6.1.0-28-amd64
            \t}
            \tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-27-amd64' $menuentry_id_option 'gnulinux-6.1.0-27-amd64-advanced-1234' {
            \t\tlinux\t/vmlinuz-6.1.0-27-amd64 root=UUID=1234 ro console=ttyS0
            \t\tinitrd\t/intel-ucode.img /initrd.img-6.1.0-27-amd64
            \t}
            }
            """;

    static Optional<GrubConfig.Item> def(String defaultValue, Map<String, String> env) {
        return GrubConfig.parse(GRUB.formatted(defaultValue)).defaultItem(env);
    }

    @Test
    void grubDefaultsResolveByIndexIdTitleAndSubmenuPath() {
        assertEquals("Debian GNU/Linux", def("0", Map.of()).orElseThrow().title());
        assertEquals("Debian GNU/Linux, with Linux 6.1.0-28-amd64", def("1", Map.of()).orElseThrow().title());
        assertEquals("Debian GNU/Linux, with Linux 6.1.0-27-amd64", def("1>1", Map.of()).orElseThrow().title());
        assertEquals("Debian GNU/Linux, with Linux 6.1.0-27-amd64",
                def("gnulinux-advanced-1234>gnulinux-6.1.0-27-amd64-advanced-1234", Map.of()).orElseThrow().title());
        assertEquals("Debian GNU/Linux, with Linux 6.1.0-27-amd64",
                def("Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-27-amd64", Map.of()).orElseThrow().title());
        GrubConfig.Item saved = def("${saved_entry}", Map.of("saved_entry", "1>1")).orElseThrow();
        assertEquals(List.of("/intel-ucode.img", "/initrd.img-6.1.0-27-amd64"), saved.initrds());
        assertEquals("/vmlinuz-6.1.0-27-amd64 root=UUID=1234 ro console=ttyS0", saved.linux().orElseThrow());
        assertTrue(def("7", Map.of()).isEmpty(), "an index past the menu names nothing");
    }

    @Test
    void anEspStubThatOnlyLoadsAnotherFileIsRecognised() {
        GrubConfig stub = GrubConfig.parse("search.fs_uuid 7a2b root\nset prefix=($root)'/grub'\nconfigfile $prefix/grub.cfg\n");
        assertEquals(Optional.of("$prefix/grub.cfg"), stub.stubTarget());
        assertTrue(GrubConfig.parse(GRUB.formatted("0")).stubTarget().isEmpty());
    }

    @Test
    void blsEntriesSortNewestFirstAndSubstituteGrubenvKernelopts() {
        // Synthetic, in the shape of RHEL 8's kernel-install entries and grubenv.
        BlsEntry a = BlsEntry.parse("ffff-4.18.0-513.5.1.el8_9.x86_64", """
                title Red Hat Enterprise Linux (4.18.0-513.5.1.el8_9.x86_64) 8.9 (Ootpa)
                version 4.18.0-513.5.1.el8_9.x86_64
                linux /vmlinuz-4.18.0-513.5.1.el8_9.x86_64
                initrd /initramfs-4.18.0-513.5.1.el8_9.x86_64.img $tuned_initrd
                options $kernelopts $tuned_params
                id rhel-20231101-4.18.0-513.5.1.el8_9.x86_64
                """);
        BlsEntry b = BlsEntry.parse("ffff-4.18.0-80.el8.x86_64", "version 4.18.0-80.el8.x86_64\nlinux /vmlinuz-4.18.0-80.el8.x86_64\n");
        List<BlsEntry> l = new java.util.ArrayList<>(List.of(b, a));
        l.sort(BlsEntry::newestFirst);
        assertEquals(a, l.get(0));
        String opts = BootConfiguration.substitute(a.options().orElseThrow(),
                Map.of("kernelopts", "root=/dev/mapper/rootvg-rootlv ro console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300"));
        assertEquals("root=/dev/mapper/rootvg-rootlv ro console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300", opts);
        assertTrue(BlsEntry.compareVersions("2.10.0", "2.9.9") > 0);
        assertTrue(BlsEntry.compareVersions("2.2.41", "2.2.41") == 0);
        assertTrue(BlsEntry.compareVersions("2.2.40.1", "2.2.41") < 0);
    }

    @Test
    void fstabFieldsAndDeviceMapperNames() {
        Fstab f = Fstab.parse("# comment\nLABEL=my\\040disk /mnt/a\\040b ext4 defaults,nofail 0 2\n/dev/sda1 /boot/ xfs defaults\n");
        assertEquals("LABEL=my disk", f.entries().get(0).spec());
        assertEquals("/mnt/a b", f.entries().get(0).mountPoint());
        assertTrue(f.entries().get(0).optional());
        assertEquals("/boot", f.entries().get(1).mountPoint());
        assertFalse(f.entries().get(1).optional());
        assertEquals(Optional.of("rootvg/rootlv"), FstabMounts.logicalVolume("/dev/mapper/rootvg-rootlv"));
        assertEquals(Optional.of("my-vg/lv-var"), FstabMounts.logicalVolume("/dev/mapper/my--vg-lv--var"));
        assertEquals(Optional.of("vg0/home"), FstabMounts.logicalVolume("/dev/vg0/home"));
        assertEquals(Optional.empty(), FstabMounts.logicalVolume("/dev/disk/by-uuid"));
        assertTrue(FstabMounts.isKernelName("/dev/sdb1") && FstabMounts.isKernelName("/dev/nvme0n1p2"));
        assertFalse(FstabMounts.isKernelName("/dev/mapper/rootvg-rootlv"));
        assertTrue(Fstab.parse("proc /proc proc defaults 0 0\nserver:/x /mnt nfs defaults 0 0\n").entries().stream()
                .allMatch(Fstab.Entry::isVirtual));
    }

    @Test
    void systemdBootDefaultGlobs() {
        assertTrue(BootConfiguration.globMatches("debian-*", "debian-6.1.0-28-amd64.conf"));
        assertFalse(BootConfiguration.globMatches("arch.conf", "debian.conf"));
    }
}
