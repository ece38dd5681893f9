package io.vhdflow.inspect.linux;

import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static io.vhdflow.inspect.linux.LinuxHostileInputTest.tar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinuxOsDetectorTest {

    static LinuxOs detect(String variant) throws IOException {
        return new LinuxOsDetector().detect(TreeFilesystem.fromResource("/fixtures/linux/" + variant + ".tar.zst"),
                "gpt:p3/lvm:rootvg/root/xfs").orElseThrow();
    }

    @Test
    void debian12WithWaagent() throws IOException {
        LinuxOs os = detect("provisioned");
        assertEquals("gpt:p3/lvm:rootvg/root/xfs", os.location());
        assertEquals("debian", os.distroId());
        assertEquals(Optional.of("12"), os.version());
        assertEquals(Optional.of("Debian GNU/Linux 12 (bookworm)"), os.prettyName());
        assertEquals(Optional.of("/etc/os-release"), os.releaseSource());
        assertEquals(Optional.of("contoso-web01"), os.hostname());
        // /boot/vmlinuz-* and /lib/modules/* (through the merged-/usr link /lib -> usr/lib).
        assertEquals(List.of("6.1.0-50-cloud-amd64"), os.kernels());
        // /bin/sh -> dash through /bin -> usr/bin: the link chain is followed inside the image.
        assertEquals(Optional.of("x64"), os.architecture());
        assertEquals(Optional.of("/bin/sh"), os.architectureSource());
        LinuxOs.Waagent w = os.waagent().orElseThrow();
        assertEquals(Optional.of("/usr/sbin/waagent"), w.binary());
        assertEquals(List.of("walinuxagent.service"), w.enabledUnits());
        assertEquals("auto", w.config().provisioningAgent());
        assertTrue(w.config().regenerateSshHostKeyPair());
        assertTrue(os.cloudInit().isEmpty());
        assertEquals(LinuxOs.Provisioner.WAAGENT, os.provisioner());
        assertTrue(os.notes().isEmpty(), os.notes().toString());
    }

    @Test
    void deprovisioningResetsTheHostname() throws IOException {
        assertEquals(Optional.of("localhost.localdomain"), detect("generalized").hostname());
    }

    @Test
    void cloudInitImage() throws IOException {
        LinuxOs os = detect("cloudinit-leftover");
        LinuxOs.CloudInit ci = os.cloudInit().orElseThrow();
        assertTrue(ci.enabled(), ci.toString());
        assertEquals(Optional.of("/usr/bin/cloud-init"), ci.binary());
        assertTrue(ci.configFiles().contains("/etc/cloud/cloud.cfg"));
        assertTrue(ci.config().datasourceList().isEmpty(), "Debian's package leaves datasource_list to ds-identify");
        assertTrue(ci.config().effectiveSshDeleteKeys());
        assertTrue(ci.config().problems().isEmpty(), ci.config().problems().toString());
        assertEquals("cloud-init", os.waagent().orElseThrow().config().provisioningAgent());
        assertEquals(LinuxOs.Provisioner.CLOUD_INIT, os.provisioner());
    }

    @Test
    void debianShippedConfigurationNamesCloudInit() throws IOException {
        LinuxOs os = detect("generalized-debian-conf");
        assertEquals("cloud-init", os.waagent().orElseThrow().config().provisioningAgent());
        assertEquals(LinuxOs.Provisioner.CLOUD_INIT, os.provisioner());
        assertTrue(os.cloudInit().isEmpty());
    }

    @Test
    void arm64FromTheElfHeaderOfDebiansArm64Dash() throws IOException {
        LinuxOs os = detect("arm64-foreign");
        assertEquals(Optional.of("Arm64"), os.architecture());
        assertEquals(Optional.of("/bin/sh"), os.architectureSource());
        assertEquals("debian", os.distroId());
        assertEquals(LinuxOs.Provisioner.NONE, os.provisioner());
        assertTrue(os.kernels().isEmpty());
    }

    @Test
    void classicReleaseFiles() throws IOException {
        LinuxOs rh = new LinuxOsDetector().detect(TreeFilesystem.fromTar(tar(
                new String[] {"etc/fstab", "file", "UUID=1 / xfs defaults 0 0\n"},
                new String[] {"etc/redhat-release", "file", "CentOS Linux release 7.9.2009 (Core)\n"},
                new String[] {"etc/sysconfig/network", "file", "NETWORKING=yes\nHOSTNAME=\"build01\"\n"})), "mbr:p1/xfs").orElseThrow();
        assertEquals("centos", rh.distroId());
        assertEquals(Optional.of("7.9.2009"), rh.version());
        assertEquals(Optional.of("build01"), rh.hostname());
        assertEquals(LinuxOs.Provisioner.NONE, rh.provisioner());
        assertTrue(rh.architecture().isEmpty());

        LinuxOs suse = new LinuxOsDetector().detect(TreeFilesystem.fromTar(tar(
                new String[] {"etc/fstab", "file", ""},
                new String[] {"etc/SuSE-release", "file", "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 5\n"},
                new String[] {"etc/HOSTNAME", "file", "sles12\n"})), "mbr:p2/ext3").orElseThrow();
        assertEquals("sles", suse.distroId());
        assertEquals(Optional.of("12.5"), suse.version());
        assertEquals(Optional.of("sles12"), suse.hostname());

        LinuxOs deb = new LinuxOsDetector().detect(TreeFilesystem.fromTar(tar(
                new String[] {"etc/fstab", "file", ""}, new String[] {"etc/debian_version", "file", "10.13\n"})), "x").orElseThrow();
        assertEquals("debian", deb.distroId());
        assertEquals(Optional.of("10.13"), deb.version());
        assertFalse(deb.isUbuntuAtLeast(18));

        LinuxOs ubuntu = new LinuxOsDetector().detect(TreeFilesystem.fromTar(tar(
                new String[] {"etc/os-release", "file", "ID=ubuntu\nVERSION_ID=\"22.04\"\n"})), "x").orElseThrow();
        assertTrue(ubuntu.isUbuntuAtLeast(18));
    }
}
