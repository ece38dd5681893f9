package io.vhdflow.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamingRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "gallery.prod", "G1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void validGalleryNames(String name) {
        assertTrue(NamingRules.galleryProblem(name).isEmpty(), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".gal", "gal.", "my-gallery", "gal lery", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void invalidGalleryNames(String name) {
        assertTrue(NamingRules.galleryProblem(name).isPresent(), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ubuntu-22.04", "win_2022", "x"})
    void validImageNames(String name) {
        assertTrue(NamingRules.imageProblem(name).isEmpty(), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-ubuntu", "ubuntu-", "ubu ntu", "ubuntu/22"})
    void invalidImageNames(String name) {
        assertTrue(NamingRules.imageProblem(name).isPresent(), name);
    }

    @Test
    void versionsAreThreeInt32Segments() {
        assertEquals(new SemanticVersion(1, 2, 3), NamingRules.parseVersion("1.2.3"));
        assertEquals(Integer.MAX_VALUE, NamingRules.parseVersion("2147483647.0.0").major());
        assertThrows(IllegalArgumentException.class, () -> NamingRules.parseVersion("2147483648.0.0"));
        assertThrows(IllegalArgumentException.class, () -> NamingRules.parseVersion("1.2"));
        assertThrows(IllegalArgumentException.class, () -> NamingRules.parseVersion("1.2.3-beta"));
        assertThrows(IllegalArgumentException.class, () -> NamingRules.parseVersion("latest"));
    }

    @Test
    void imageNamesDerivedFromFileNamesAreValid() {
        assertEquals("ubuntu-22.04", NamingRules.imageNameFromFile("ubuntu-22.04.VHD"));
        assertEquals("my-image-v2", NamingRules.imageNameFromFile("__my image v2__.vhd"));
        assertEquals("image", NamingRules.imageNameFromFile("---.vhd"));
        assertTrue(NamingRules.imageProblem(NamingRules.imageNameFromFile("x".repeat(200) + "-.vhd")).isEmpty());
    }

    @Test
    void metadataProblemsNameEveryBrokenRule() {
        ImageMetadata m = new ImageMetadata("bad-gallery", "ok", "pub", "offer", "sku", "1.0", null, "next year",
                Map.of("a/b", "v"));
        var problems = m.problems();
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("gallery name 'bad-gallery'"));
    }
}
