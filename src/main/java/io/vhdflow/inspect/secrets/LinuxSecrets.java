package io.vhdflow.inspect.secrets;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.inspect.linux.LinuxContext;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secrets scan of a Linux installation: where it looks, in order (root's and every home, then
 * cloud-init's state, {@code /etc}, the agent's directory, {@code /srv}, {@code /opt}, and the
 * configuration of Docker containers), and what it leaves to other checks: SSH host keys (L5), the
 * account files' hashes (L6, L6B), RHEL subscription certificates and keys (L19), and the agent's directory while its provisioning state is there
 * (L1: the agent's keys go with that state); and the public data the distribution generates (DH moduli,
 * CA bundles), which is large and holds no secret. Run once per installation and shared by the checks.
 */
final class LinuxSecrets {
    private LinuxSecrets() {
    }

    /** The one scan of {@code ctx}'s installation. */
    static SecretScan of(LinuxContext ctx) throws IOException {
        return ctx.shared(SecretScan.class, LinuxSecrets::scan);
    }

    private static SecretScan scan(LinuxContext ctx) throws IOException {
        Filesystem fs = ctx.fs();
        List<String> places = new ArrayList<>(ctx.homes());
        places.add("/var/lib/cloud");
        places.add("/etc");
        places.add("/var/lib/waagent");
        places.add("/srv");
        places.add("/opt");
        places.addAll(dockerConfigs(fs));
        Map<String, String> excluded = new LinkedHashMap<>();
        excluded.put("/etc/ssh/ssh_host_*", "SSH host keys are judged by L5");
        for (String f : List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/security/opasswd")) {
            excluded.put(f, "password hashes are judged by L6 and L6B");
        }
        for (String d : List.of("/etc/pki/consumer", "/etc/pki/entitlement")) {
            excluded.put(d, "RHEL subscription certificates and keys are judged by L19");
        }
        // Public data the distribution generates, large and holding no secret: the DH moduli and the CA bundles
        // (a key someone put beside them in /etc/ssl/certs is still read).
        for (String f : List.of("/etc/ssh/moduli", "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                "/etc/pki/tls/certs/ca-bundle.trust.crt", "/etc/pki/ca-trust/extracted", "/etc/ssl/ca-bundle.pem")) {
            excluded.put(f, "public data the distribution generates (no secret)");
        }
        if (fs.exists("/var/lib/waagent/provisioned") || fs.exists("/var/lib/waagent/ovf-env.xml")) {
            excluded.put("/var/lib/waagent", "the agent's provisioning state, with its keys, is judged by L1");
        }
        return new SecretScanner(ctx.scanBudget(), SecretRuleCatalogue.families()).scan(fs, places, excluded);
    }

    /** {@code /var/lib/docker/containers/<id>/config.v2.json} of every container (at most 1,000). */
    private static List<String> dockerConfigs(Filesystem fs) throws IOException {
        List<String> out = new ArrayList<>();
        String dir = "/var/lib/docker/containers";
        List<DirEntry> entries;
        try {
            entries = fs.isDirectory(dir) ? fs.list(dir) : List.of();
        } catch (NoSuchFileException | NotDirectoryException e) {
            return out;
        }
        for (DirEntry e : entries) {
            if (out.size() >= 1000) {
                break;
            }
            out.add(dir + "/" + e.name() + "/config.v2.json");
        }
        return out;
    }
}
