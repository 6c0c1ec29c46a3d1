package io.dualwrite.core.shadow;

import io.dualwrite.core.shadow.MismatchSample.FieldDifference;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The field-level differences of a shadow-read mismatch (see {@link io.dualwrite.core.internal.FieldDiffer}). */
final class FieldDiffer {

    static final String REDACTED = "<redacted>";

    private FieldDiffer() {}

    static List<FieldDifference> differences(@Nullable Object expected, @Nullable Object actual, boolean redact) {
        try {
            return io.dualwrite.core.internal.FieldDiffer.differences(expected, actual).stream()
                    .map(d -> redact
                            ? new FieldDifference(d.field(), REDACTED, REDACTED)
                            : new FieldDifference(
                                    d.field(),
                                    io.dualwrite.core.internal.FieldDiffer.render(d.expected()),
                                    io.dualwrite.core.internal.FieldDiffer.render(d.actual())))
                    .toList();
        } catch (IllegalArgumentException e) {
            return List.of(new FieldDifference(
                    io.dualwrite.core.internal.FieldDiffer.WHOLE_VALUE,
                    redact ? REDACTED : String.valueOf(expected),
                    redact ? REDACTED : String.valueOf(actual)));
        }
    }
}
