package io.vhdflow.ops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ApiTokenTest {

    @Test
    void onlyTheConfiguredBearerTokenIsAccepted() {
        ApiToken t = ApiToken.of("s3cret");
        assertEquals(ApiToken.Check.ACCEPTED, t.check("Bearer s3cret"));
        assertEquals(ApiToken.Check.ACCEPTED, t.check("bearer s3cret"), "the scheme is case-insensitive");
        assertEquals(ApiToken.Check.WRONG, t.check("Bearer S3cret"), "the token is not");
        assertEquals(ApiToken.Check.WRONG, t.check("Bearer s3cret2"));
        assertEquals(ApiToken.Check.WRONG, t.check("Bearer s3cre"));
        assertEquals(ApiToken.Check.MISSING, t.check(null));
        assertEquals(ApiToken.Check.MISSING, t.check("Bearer "));
        assertEquals(ApiToken.Check.MISSING, t.check("Basic czNjcmV0"));
        assertEquals(ApiToken.Check.MISSING, t.check("s3cret"));
    }

    @Test
    void noTokenConfiguredRefusesEverythingAndTheTokenIsNeverPrinted() {
        for (String none : new String[] {null, "", "   "}) {
            ApiToken t = ApiToken.of(none);
            assertFalse(t.configured());
            assertEquals(ApiToken.Check.NOT_CONFIGURED, t.check("Bearer "));
            assertEquals(ApiToken.Check.NOT_CONFIGURED, t.check("Bearer anything"));
        }
        assertFalse(ApiToken.of("s3cret").toString().contains("s3cret"));
    }
}
