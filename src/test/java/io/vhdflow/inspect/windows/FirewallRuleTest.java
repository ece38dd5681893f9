package io.vhdflow.inspect.windows;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Firewall rules as Windows stores them: the strings are those of the Windows 7 and Windows 10
 * SYSTEM hives in regipy's test data (read with hivexregedit --export).
 */
class FirewallRuleTest {
    /** Windows 7: the Remote Desktop group's TCP rule, enabled, two profiles. */
    static final String WIN7 = "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|Profile=Private|LPort=3389|"
            + "App=System|Name=@FirewallAPI.dll,-28753|Desc=@FirewallAPI.dll,-28756|EmbedCtxt=@FirewallAPI.dll,-28752|";
    /** Windows 10: the same group's user-mode rule, disabled. */
    static final String WIN10 = "v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=3389|"
            + "App=%SystemRoot%\\system32\\svchost.exe|Svc=termservice|Name=@FirewallAPI.dll,-28775|"
            + "Desc=@FirewallAPI.dll,-28756|EmbedCtxt=@FirewallAPI.dll,-28752|";
    /** Windows 10: the shadowing rule of the group, no local port: not a connection rule. */
    static final String SHADOW = "v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=6|App=%SystemRoot%\\system32\\RdpSa.exe|"
            + "Name=@FirewallAPI.dll,-28778|Desc=@FirewallAPI.dll,-28779|EmbedCtxt=@FirewallAPI.dll,-28752|Edge=TRUE|Defer=App|";
    /** Windows 10: Remote Desktop (WebSocket), another group (-28782). */
    static final String WEBSOCKET = "v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=3387|App=System|"
            + "Name=@FirewallAPI.dll,-28780|Desc=@FirewallAPI.dll,-28781|EmbedCtxt=@FirewallAPI.dll,-28782|";

    @Test
    void remoteDesktopRulesAreFoundByGroupDirectionAndPort() {
        FirewallRule win7 = FirewallRule.parse("RemoteDesktop-In-TCP", WIN7);
        assertTrue(win7.remoteDesktopTcpIn() && win7.active() && win7.allowsPort(3389));
        assertEquals("Domain", win7.first("profile"), "repeated fields keep their order");
        assertEquals("RemoteDesktop-In-TCP (TCP 3389, enabled)", win7.shown());
        FirewallRule win10 = FirewallRule.parse("RemoteDesktop-UserMode-In-TCP", WIN10);
        assertTrue(win10.remoteDesktopTcpIn());
        assertFalse(win10.active());
        assertFalse(FirewallRule.parse("RemoteDesktop-Shadow-In-TCP", SHADOW).remoteDesktopTcpIn());
        assertFalse(FirewallRule.parse("RemoteDesktop-In-TCP-WS", WEBSOCKET).remoteDesktopTcpIn());
    }

    @Test
    void localPortsMayBeListsAndRanges() {
        FirewallRule r = FirewallRule.parse("x", "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80,3300-3400|LPort=RPC|"
                + "EmbedCtxt=@FirewallAPI.dll,-28752|");
        assertTrue(r.allowsPort(3390));
        assertTrue(r.allowsPort(80));
        assertFalse(r.allowsPort(3401));
        assertFalse(FirewallRule.parse("y", "v2.30|LPort=|LPort=-|LPort=9-x|").allowsPort(9), "malformed ports never match");
    }
}
