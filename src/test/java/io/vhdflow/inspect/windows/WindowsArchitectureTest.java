package io.vhdflow.inspect.windows;

import io.vhdflow.disk.registry.Hive;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.VerificationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.vhdflow.inspect.windows.WindowsImages.assertEvidence;
import static io.vhdflow.inspect.windows.WindowsImages.check;
import static io.vhdflow.inspect.windows.WindowsImages.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W15's fallbacks: the registry, then the PE machine type of ntoskrnl.exe, cmd.exe, kernel32.dll,
 * then the SysArm32 / SyChpe32 / SysWOW64 folders; "cannot determine" only when all are missing.
 * End to end on the 'gen1' (ntoskrnl.exe) and 'nobcd' (SysWOW64) images, and on small trees for
 * the other orders. The PE headers here are written by the PE/COFF layout (e_lfanew at 0x3C,
 * 'PE\0\0', Machine), like fixtures/windows/pe-header.py.
 */
class WindowsArchitectureTest {
    private static final int X64 = 0x8664;
    private static final int ARM64 = 0xAA64;
    private static final int I386 = 0x014C;

    @TempDir
    Path dir;

    @Test
    void withoutTheRegistryValueTheKernelsPeHeaderTells() throws Exception {
        VerificationReport r = verify("gen1", dir);
        assertEquals("x64", r.facts().architecture().orElseThrow());
        CheckResult w15 = check(r, "W15");
        assertEquals(CheckStatus.PASS, w15.status());
        assertEvidence(w15, "1. mbr:p2/ntfs:SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment\\PROCESSOR_ARCHITECTURE: absent",
                "2. mbr:p2/ntfs:/Windows/System32/ntoskrnl.exe PE machine type 0x8664 (x64)");
        assertEquals(2, w15.evidence().size(), "stops at the first source that tells: " + w15.evidence());
    }

    @Test
    void withoutRegistryValueOrPeFilesTheSysWow64FolderTells() throws Exception {
        VerificationReport r = verify("nobcd", dir);
        assertEquals("x64", r.facts().architecture().orElseThrow());
        CheckResult w15 = check(r, "W15");
        assertEquals(CheckStatus.PASS, w15.status());
        assertEvidence(w15, "PROCESSOR_ARCHITECTURE: absent", "2. gpt:p3/ntfs:/Windows/System32/ntoskrnl.exe: absent",
                "3. gpt:p3/ntfs:/Windows/System32/cmd.exe: absent", "4. gpt:p3/ntfs:/Windows/System32/kernel32.dll: absent",
                "5. gpt:p3/ntfs:/Windows/SysArm32: absent", "6. gpt:p3/ntfs:/Windows/SyChpe32: absent",
                "7. gpt:p3/ntfs:/Windows/SysWOW64 exists");
    }

    @Test
    void theRegistryComesFirstAndIsReadFromTheCurrentControlSet() throws IOException {
        // system.hive: ControlSet001 (current) says AMD64, ControlSet002 says x86.
        Hive system = WindowsImages.hive("system.hive", dir);
        WindowsArchitecture a = WindowsArchitecture.read(WindowsImages.tree(Optional.of(system), Map.of("Windows/System32/ntoskrnl.exe", pe(I386))));
        assertEquals(Optional.of("x64"), a.architecture());
        assertEquals(List.of("1. t:SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment\\PROCESSOR_ARCHITECTURE = AMD64 (x64)"),
                a.evidence());
    }

    @Test
    void peFilesAreTriedInOrderAndAnUnreadableOneIsNotedNotFatal() throws IOException {
        byte[] notPe = "not a PE file, no MZ. ".repeat(30).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        WindowsArchitecture a = WindowsArchitecture.read(WindowsImages.tree(Optional.empty(), Map.of(
                "Windows/System32/ntoskrnl.exe", notPe, "Windows/System32/kernel32.dll", pe(ARM64),
                "Windows/SysWOW64/", new byte[0])));
        assertEquals(Optional.of("Arm64"), a.architecture());
        String ev = String.join("\n", a.evidence());
        assertTrue(ev.contains("1. SYSTEM hive PROCESSOR_ARCHITECTURE: the hive cannot be read"), ev);
        assertTrue(ev.contains("2. t:/Windows/System32/ntoskrnl.exe cannot be read (corrupt)"), ev);
        assertTrue(ev.contains("3. t:/Windows/System32/cmd.exe: absent"), ev);
        assertTrue(ev.contains("4. t:/Windows/System32/kernel32.dll PE machine type 0xAA64 (Arm64)"), ev);
    }

    @Test
    void arm64FoldersWinOverSysWow64WhichArm64WindowsAlsoHas() throws IOException {
        WindowsArchitecture a = WindowsArchitecture.read(WindowsImages.tree(Optional.empty(), Map.of(
                "Windows/SysWOW64/", new byte[0], "Windows/SyChpe32/", new byte[0])));
        assertEquals(Optional.of("Arm64"), a.architecture());
        assertTrue(a.evidence().get(a.evidence().size() - 1).contains("t:/Windows/SyChpe32 exists: only Arm64 Windows has it"),
                a.evidence().toString());
    }

    @Test
    void a32BitKernelFailsAndNothingAtAllCannotBeDetermined() throws IOException {
        WindowsSystem x86 = WindowsImages.tree(Optional.empty(), Map.of("Windows/System32/cmd.exe", pe(I386)));
        CheckResult r = new ArchitectureCheck().evaluate(x86);
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(String.join("\n", r.evidence()).contains("x86 is not a 64-bit architecture Azure runs"), r.evidence().toString());

        WindowsSystem none = WindowsImages.tree(Optional.empty(), Map.of("Windows/System32/config/", new byte[0]));
        assertEquals(Optional.empty(), WindowsArchitecture.read(none).architecture());
        CheckResult unknown = new ArchitectureCheck().evaluate(none);
        assertEquals(CheckStatus.NOT_RUN, unknown.status());
        assertEquals(8, unknown.evidence().size(), "seven sources tried, then the summary: " + unknown.evidence());
        assertTrue(unknown.evidence().get(7).contains("tried the registry, ntoskrnl.exe, cmd.exe, kernel32.dll and the folders "
                + "SysArm32, SyChpe32, SysWOW64"), unknown.evidence().toString());
    }

    /** A PE file of 512 bytes whose COFF header names {@code machine}. */
    static byte[] pe(int machine) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3C, 0x80);
        b.put(0x80, (byte) 'P').put(0x81, (byte) 'E').putShort(0x84, (short) machine);
        return b.array();
    }
}
