package io.vhdflow.inspect.linux;

import org.junit.jupiter.api.Test;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinuxParsersTest {

    @Test
    void osReleaseQuotingAndEscapes() {
        OsRelease r = OsRelease.parse("""
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                NAME='Debian GNU/Linux'
                VERSION_ID=12
                ID=debian # trailing comment
                HOME_URL="https://www.debian.org/\\"x\\""
                BROKEN="unterminated
                not a line
                9BAD=x
                EMPTY=
                """);
        assertEquals(Optional.of("Debian GNU/Linux 12 (bookworm)"), r.get("PRETTY_NAME"));
        assertEquals(Optional.of("Debian GNU/Linux"), r.get("NAME"));
        assertEquals(Optional.of("12"), r.get("VERSION_ID"));
        assertEquals(Optional.of("debian"), r.get("ID"));
        assertEquals(Optional.of("https://www.debian.org/\"x\""), r.get("HOME_URL"));
        assertEquals(Optional.empty(), r.get("BROKEN"));
        assertEquals(Optional.empty(), r.get("9BAD"));
        assertEquals(Optional.empty(), r.get("EMPTY"));
    }

    @Test
    void shadowFieldsAndStates() {
        List<ShadowEntry> e = ShadowEntry.parseAll("""
                root:*LOCK*:14600::::::
                daemon:*:20783:0:99999:7:::
                sshd:!:20783::::::
                alice:$y$j9T$4b1UGfWL3fqFRbV8Keomv/$k2qe4yApt63kHAJrac37c71zEmc1Cyd6t/wqnkIr8V9:20783:0:99999:7:::
                bob::20783:0:99999:7:::
                carol:!$6$salt$abcdefghijklmnopqrstuvwxyz0123456789:20783::::::
                dave:$6$salt$abcdefghijklmnopqrstuvwxyz:1::::::
                garbage
                """);
        assertEquals(7, e.size());
        assertEquals(ShadowEntry.HashState.LOCKED, e.get(0).state());
        assertEquals(ShadowEntry.HashState.LOCKED, e.get(1).state());
        assertEquals(ShadowEntry.HashState.LOCKED, e.get(2).state());
        assertEquals(ShadowEntry.HashState.USABLE, e.get(3).state());
        assertEquals("yescrypt ($y$)", e.get(3).scheme());
        assertEquals(ShadowEntry.HashState.EMPTY, e.get(4).state());
        assertEquals(ShadowEntry.HashState.LOCKED, e.get(5).state(), "usermod -L prefixes '!'");
        assertEquals("sha512-crypt ($6$)", e.get(6).scheme());
        assertEquals("!<sha512-crypt ($6$)>", RootPasswordCheck.lockedForm(e.get(5).hash()));
    }

    @Test
    void passwdAndLoginDefs() {
        List<PasswdEntry> p = PasswdEntry.parseAll("root:x:0:0:root:/root:/bin/bash\n+nis\nazureuser:x:1000:1000::/home/azureuser:/bin/bash\nbad:x:notanumber:1::/h:/bin/sh\n");
        assertEquals(3, p.size());
        assertEquals(1000, p.get(1).uid());
        assertEquals(-1, p.get(2).uid());
        assertEquals(new LoginDefs(500, 60000), LoginDefs.parse("# UID_MIN 7\nUID_MIN\t\t  500\nUID_MAX x\n"));
        assertEquals(LoginDefs.DEFAULTS, LoginDefs.parse("UID_MIN 2000\nUID_MAX 100\n"), "inverted range falls back");
    }

    @Test
    void waagentConfig() {
        WaagentConfig c = WaagentConfig.parse("""
                # comment
                Provisioning.Enabled=n
                Provisioning.Agent=Cloud-Init
                Provisioning.RegenerateSshHostKeyPair=y # trailing
                ResourceDisk.Format="y"
                garbage line
                AutoUpdate.Enabled=n
                """);
        assertEquals("cloud-init", c.provisioningAgent());
        assertTrue(c.regenerateSshHostKeyPair());
        assertTrue(c.resourceDiskFormat());
        assertFalse(c.resourceDiskEnableSwap());
        assertFalse(c.deleteRootPassword(), "code default is n");
        assertFalse(c.autoUpdateEnabled());
        assertEquals(Optional.of("n"), c.legacyProvisioningEnabled());
        assertEquals(List.of("line 6 is not Name=value"), c.problems());
        assertEquals("auto", WaagentConfig.parse("").provisioningAgent());
    }

    private static Map.Entry<String, String> f(String p, String t) {
        return new AbstractMap.SimpleImmutableEntry<>(p, t);
    }

    @Test
    void cloudInitMergeOrderAndYaml11Booleans() {
        CloudInitConfig c = CloudInitConfig.merge(List.of(
                f("/etc/cloud/cloud.cfg", "users:\n  - default\nssh_deletekeys: true\ndatasource_list: [ NoCloud, None ]\n"),
                f("/etc/cloud/cloud.cfg.d/90_dpkg.cfg", "# from dpkg\ndatasource_list:\n  - Azure\n  - None\n"),
                f("/etc/cloud/cloud.cfg.d/99-keys.cfg", "ssh_deletekeys: no\n")));
        assertEquals(List.of("Azure", "None"), c.datasourceList().get().value());
        assertEquals("/etc/cloud/cloud.cfg.d/90_dpkg.cfg", c.datasourceList().get().file());
        assertFalse(c.effectiveSshDeleteKeys(), "PyYAML reads 'no' as false; cloud-init translate_bool too");
        assertEquals("/etc/cloud/cloud.cfg.d/99-keys.cfg", c.sshDeleteKeys().get().file());
        assertTrue(c.problems().isEmpty());
        assertTrue(CloudInitConfig.merge(List.of()).effectiveSshDeleteKeys(), "cc_ssh default is true");
    }

    @Test
    void hostileCloudInitYamlBecomesProblemsNotExceptions() {
        String deep = "a: " + "[".repeat(5000) + "]".repeat(5000);
        String indent = "- ".repeat(20000) + "x";
        String bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                + "g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        CloudInitConfig c = CloudInitConfig.merge(List.of(
                f("deep.cfg", deep), f("indent.cfg", indent), f("bomb.cfg", bomb),
                f("bad.cfg", "ssh_deletekeys: [unclosed\n"), f("list.cfg", "- just\n- a list\n"),
                f("huge.cfg", "x".repeat(CloudInitConfig.MAX_FILE_BYTES + 1)),
                f("type.cfg", "ssh_deletekeys: maybe\ndatasource_list: Azure\n")));
        assertEquals(8, c.problems().size(), c.problems().toString());
        assertTrue(c.problems().get(0).startsWith("deep.cfg: nesting"));
        assertTrue(c.problems().get(3).startsWith("bad.cfg: not valid YAML"));
        assertTrue(c.problems().get(4).contains("not a mapping"));
        assertTrue(c.effectiveSshDeleteKeys());
        assertTrue(c.datasourceList().isEmpty());
    }

    @Test
    void elfMachine() {
        byte[] x64 = new byte[20];
        x64[0] = 0x7F; x64[1] = 'E'; x64[2] = 'L'; x64[3] = 'F'; x64[4] = 2; x64[5] = 1; x64[18] = 0x3E;
        assertEquals(Optional.of(0x3E), ElfMachine.machine(x64));
        assertEquals("x64", ElfMachine.azureName(0x3E));
        byte[] arm = x64.clone();
        arm[18] = (byte) 0xB7;
        assertEquals("Arm64", ElfMachine.azureName(ElfMachine.machine(arm).get()));
        byte[] be = x64.clone();
        be[5] = 2; be[18] = 0; be[19] = 0x16;
        assertEquals(Optional.of(0x16), ElfMachine.machine(be));
        assertEquals(Optional.empty(), ElfMachine.machine(new byte[] {0x7F, 'E', 'L', 'F', 2, 1}));
        byte[] script = "#!/bin/sh\necho hello world\n".getBytes();
        assertEquals(Optional.empty(), ElfMachine.machine(script));
    }
}
