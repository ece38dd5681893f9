package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * L29 (SUSE family): the build VM's registration is gone. A registered system keeps its
 * registration server in {@code /etc/SUSEConnect}, the product services it was given in
 * {@code /etc/zypp/services.d}, and (on the cloud's pay-as-you-go images) registercloudguest's
 * state in {@code /var/cache/cloudregister}; a VM made from such an image presents itself as the
 * build VM to SCC or the update infrastructure. The credentials themselves are L28.
 */
final class SuseRegistrationCheck implements FamilyRule {

    static final String CONNECT = "/etc/SUSEConnect";
    static final String SERVICES = "/etc/zypp/services.d";
    static final String CLOUDREGISTER = "/var/cache/cloudregister";

    @Override
    public String id() {
        return "L29";
    }

    @Override
    public String title() {
        return "SUSE registration removed (/etc/SUSEConnect, zypp services, cloudregister state)";
    }

    @Override
    public Set<LinuxFamily> families() {
        return Set.of(LinuxFamily.SUSE);
    }

    @Override
    public Category category() {
        return Category.HYGIENE;
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String reads() {
        return CONNECT + ", " + SERVICES + "/*.service, " + CLOUDREGISTER + "/*";
    }

    @Override
    public String source() {
        return "SUSEConnect(8) (/etc/SUSEConnect, --de-register, --cleanup); cloud-regionsrv-client registercloudguest --clean; "
                + "Azure 'Prepare a SLES VM' (de-register the build VM) — docs/checks.md#l29";
    }

    @Override
    public String remediation() {
        return "in the source VM: SUSEConnect -d && SUSEConnect --cleanup (BYOS) or registercloudguest --clean (PAYG)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Optional<CheckResult> na = outsideFamilies(ctx);
        if (na.isPresent()) {
            return na.get();
        }
        List<String> failing = new ArrayList<>();
        Optional<String> connect = FileReads.text(ctx.fs(), CONNECT, FileReads.CONFIG_CAP);
        if (connect.isPresent()) {
            Optional<String> url = connect.get().lines().map(String::strip).filter(l -> l.startsWith("url:"))
                    .map(l -> l.substring(4).strip()).findFirst();
            failing.add(ctx.at(CONNECT) + " exists (registration configuration" + url.map(u -> ", server " + u).orElse("") + ")");
        }
        List<String> services = FileReads.list(ctx.fs(), SERVICES).stream().map(DirEntry::name)
                .filter(n -> n.endsWith(".service")).toList();
        if (!services.isEmpty()) {
            failing.add(ctx.at(SERVICES) + " holds " + services.size() + " registered service(s): "
                    + String.join(", ", services.stream().limit(8).toList()));
        }
        List<String> cache = FileReads.list(ctx.fs(), CLOUDREGISTER).stream().map(DirEntry::name).toList();
        if (!cache.isEmpty()) {
            failing.add(ctx.at(CLOUDREGISTER) + " holds " + String.join(", ", cache.stream().limit(8).toList())
                    + " (registercloudguest's registration state)");
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of(ctx.at(CONNECT) + " absent, no service in " + ctx.at(SERVICES) + ", "
                    + ctx.at(CLOUDREGISTER) + " empty or absent"));
        }
        return fail(ctx, failing);
    }
}
