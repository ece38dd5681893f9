package io.vhdflow.inspect.secrets;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.windows.WindowsCheck;
import io.vhdflow.inspect.windows.WindowsContext;
import io.vhdflow.inspect.windows.WindowsSystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WS3: no keys or credentials in the user profiles, {@code Windows\Panther} or
 * {@code Windows\System32\Sysprep}: the same rules as on Linux (private keys such as
 * {@code .ssh\id_*} and PuTTY keys, {@code .aws}, {@code .azure}, gcloud, {@code .kube},
 * {@code .docker}, {@code .git-credentials}, {@code _netrc}, ..., token patterns in text files),
 * within the scan budget. Answer files are WS1's. When the budget cut the scan short and nothing
 * was found, it warns: the places it did not reach are unknown.
 */
public final class ProfileSecretsCheck extends WindowsCheck {
    static final List<String> PLACES = List.of("/Users", "/Windows/Panther", "/Windows/System32/Sysprep");

    public ProfileSecretsCheck() {
        super("WS3", "no keys or credentials in user profiles, Panther or Sysprep", Category.SECRETS, Severity.MUST,
                "the secrets scan of \\Users\\*, \\Windows\\Panther and \\Windows\\System32\\Sysprep (private keys, "
                        + "credential files, token patterns; value lengths only)",
                "the file formats of OpenSSH, PuTTY and the AWS, Azure and gcloud CLIs, kubectl, Docker, git; the "
                        + "token formats of AWS, Azure Storage, GitHub, GitLab, Slack, Google — docs/checks.md#ws3",
                "delete the files listed from the profiles (or remove the profiles: Sysprep does not), rotate the "
                        + "credentials, and capture again; if only the budget was reached, raise it with vhdflow inspect "
                        + "--scan-budget");
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        return evaluate(new WindowsContext(w, Policy.AZURE_PLATFORM));
    }

    @Override
    protected CheckResult evaluate(WindowsContext ctx) throws IOException {
        WindowsSystem w = ctx.windows();
        Map<String, String> excluded = new LinkedHashMap<>();
        for (String f : UnattendPasswordsCheck.answerFiles(w.filesystem())) {
            excluded.put(f, "answer files are judged by WS1");
        }
        List<SecretRules> families = SecretRuleCatalogue.families().stream()
                .filter(f -> f.family() != SecretFamily.CLOUD_INIT).toList();
        SecretScan scan = new SecretScanner(ctx.scanBudget(), families).scan(w.filesystem(), PLACES, excluded);
        List<String> evidence = new ArrayList<>();
        scan.findings().stream().limit(LinuxSecretsCheck.SHOWN).forEach(f -> evidence.add(f.evidence(w.location())));
        if (scan.findings().size() > LinuxSecretsCheck.SHOWN) {
            evidence.add("and " + (scan.findings().size() - LinuxSecretsCheck.SHOWN) + " more finding(s)");
        }
        evidence.add(scan.summary(w.location()));
        scan.cutShort().ifPresent(c -> evidence.add("the scan stopped early: " + c + " (budget "
                + ctx.scanBudget().describe() + ")"));
        if (scan.partialCount() > 0) {
            evidence.add(scan.partialCount() + " text file(s) scanned in part: " + String.join(", ", scan.partial()));
        }
        scan.unreadable().forEach(u -> evidence.add(w.location() + ":" + u + " could not be read"));
        if (scan.findings().stream().anyMatch(f -> !f.warning())) {
            return fail(evidence.toArray(String[]::new));
        }
        if (!scan.findings().isEmpty() || !scan.complete()) {
            return warn(ctx, evidence);
        }
        return pass(evidence.toArray(String[]::new));
    }
}
