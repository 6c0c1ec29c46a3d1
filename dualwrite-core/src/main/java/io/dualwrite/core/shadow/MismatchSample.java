package io.dualwrite.core.shadow;

import java.time.Instant;
import java.util.List;

/** A recent shadow read that did not match, with what differed field by field. */
public record MismatchSample(String key, ShadowResult result, Instant at, List<FieldDifference> differences) {

    public MismatchSample {
        differences = List.copyOf(differences);
    }

    /** One field that differs: the source of truth's value and the candidate's (both redacted if configured). */
    public record FieldDifference(String field, String expected, String actual) {}
}
