package io.vhdflow.inspect;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one verdict rule, on results made up to show each of its clauses. */
class VerdictRuleTest {

    static CheckResult r(String id, Category c, Severity s, CheckStatus status) {
        return new CheckResult(id, "check " + id, c, s, status, List.of("evidence of " + id),
                status == CheckStatus.FAIL ? "fix " + id : "", "source");
    }

    record Os() implements InspectedOs {
        @Override
        public String osType() {
            return "Linux";
        }

        @Override
        public String displayName() {
            return "Test";
        }

        @Override
        public Optional<String> architecture() {
            return Optional.empty();
        }

        @Override
        public String location() {
            return "t";
        }
    }

    static Assessment decide(Policy p, Set<String> waivers, Set<String> fixed, boolean os, CheckResult... rs) {
        return VerdictRule.decide(p, List.of(rs), waivers, fixed, os ? List.of(new Os()) : List.of(), List.of(), List.of());
    }

    @Test
    void aContainerBlockerJoinsTheVerdictUnlessPackagingFixesIt() {
        Assessment a = decide(Policy.AZURE_PLATFORM, Set.of(), Set.of(), true,
                r("G4", Category.CONTAINER, Severity.MUST, CheckStatus.FAIL));
        assertEquals(Verdict.NOT_READY, a.verdict());
        assertEquals(List.of(Category.CONTAINER), a.blockingCategories());
        Assessment fixed = decide(Policy.AZURE_PLATFORM, Set.of(), Set.of("G2"), true,
                r("G2", Category.CONTAINER, Severity.MUST, CheckStatus.FAIL));
        assertEquals(Verdict.READY, fixed.verdict());
        assertEquals(List.of("G2"), fixed.warnings());
        assertTrue(fixed.checks().get(0).remediation().startsWith("packaging fixes this"));
    }

    @Test
    void aProvenBlockerOutranksWhatCouldNotBeRead() {
        Assessment noOs = decide(Policy.AZURE_PLATFORM, Set.of(), Set.of(), false,
                r("W4", Category.BOOT, Severity.MUST, CheckStatus.FAIL));
        assertEquals(Verdict.NOT_READY, noOs.verdict());
        assertEquals("no operating system found on any volume", noOs.reasons().get(1));
        assertEquals(Verdict.CANNOT_DETERMINE, decide(Policy.AZURE_PLATFORM, Set.of(), Set.of(), false,
                r("G1", Category.CONTAINER, Severity.MUST, CheckStatus.PASS)).verdict());
        Assessment notRun = decide(Policy.AZURE_PLATFORM, Set.of(), Set.of(), true,
                r("W1", Category.PROVISIONING, Severity.MUST, CheckStatus.NOT_RUN));
        assertEquals(Verdict.CANNOT_DETERMINE, notRun.verdict());
        assertEquals(CategoryReport.State.CANNOT_DETERMINE, notRun.categories().get(1).state());
        assertEquals(Verdict.NOT_READY, decide(Policy.AZURE_PLATFORM, Set.of(), Set.of(), true,
                r("W1", Category.PROVISIONING, Severity.MUST, CheckStatus.NOT_RUN),
                r("LS2", Category.SECRETS, Severity.MUST, CheckStatus.FAIL)).verdict());
    }

    @Test
    void strictMakesEveryWarningBlockButNotInfo() {
        CheckResult warn = r("L3", Category.HYGIENE, Severity.SHOULD, CheckStatus.FAIL);
        CheckResult info = r("W14", Category.PROVISIONING, Severity.INFO, CheckStatus.FAIL);
        assertEquals(Verdict.READY, decide(Policy.MARKETPLACE, Set.of(), Set.of(), true, warn, info).verdict());
        Assessment strict = decide(Policy.STRICT, Set.of(), Set.of(), true, warn, info);
        assertEquals(Verdict.NOT_READY, strict.verdict());
        assertEquals(List.of("L3"), strict.blocking());
        assertEquals(Severity.MUST, strict.checks().get(0).severity());
        assertEquals(List.of("W14"), strict.warnings());
        assertEquals(Verdict.READY, decide(Policy.STRICT, Set.of("L3"), Set.of(), true, warn, info).verdict(), "waived");
    }

    @Test
    void theCatalogueShowsStrictAsTheMarketplacesRulesWithWarningsBlocking() {
        Check<?> l4 = CheckCatalog.standard().checks().stream().filter(c -> c.id().equals("L3")).findFirst().orElseThrow();
        assertEquals(Severity.SHOULD, Policy.MARKETPLACE.severityOf(l4));
        assertEquals(Severity.MUST, Policy.STRICT.severityOf(l4));
        assertEquals(Policy.MARKETPLACE, Policy.STRICT.rules());
        assertEquals(Policy.STRICT, Policy.parse("Strict"));
    }

    @Test
    void thePipelinePublishesReadyImagesAndStopsTheRest() {
        assertEquals(VerdictRule.Publication.GENERALIZED, VerdictRule.publication(Verdict.READY, List.of(), false));
        assertEquals(VerdictRule.Publication.REFUSED,
                VerdictRule.publication(Verdict.NOT_READY, List.of(Category.PROVISIONING), false));
        assertEquals(VerdictRule.Publication.SPECIALIZED,
                VerdictRule.publication(Verdict.NOT_READY, List.of(Category.PROVISIONING, Category.ACCESS), true));
        assertEquals(VerdictRule.Publication.REFUSED,
                VerdictRule.publication(Verdict.NOT_READY, List.of(Category.PROVISIONING, Category.SECRETS), true),
                "a specialized image must not carry credentials either");
        assertEquals(VerdictRule.Publication.REFUSED, VerdictRule.publication(Verdict.CANNOT_DETERMINE, List.of(), true));
    }

    @Test
    void categoriesSayWhatTheirChecksCameTo() {
        Assessment a = decide(Policy.AZURE_PLATFORM, Set.of("L4"), Set.of(), true,
                r("L4", Category.ACCESS, Severity.MUST, CheckStatus.FAIL),
                r("L6", Category.ACCESS, Severity.MUST, CheckStatus.PASS),
                r("L2", Category.PROVISIONING, Severity.SHOULD, CheckStatus.NOT_APPLICABLE));
        assertEquals(CategoryReport.State.PASSES, a.categories().get(2).state());
        assertEquals(List.of("L4"), a.categories().get(2).waived());
        assertEquals(CategoryReport.State.NOT_CHECKED, a.categories().get(1).state());
        assertEquals(CategoryReport.State.NOT_CHECKED, a.categories().get(3).state());
    }
}
