package io.dualwrite.core.shadow;

import io.dualwrite.core.shadow.MismatchSample.FieldDifference;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The field-level differences between two values: per record component for records, else the whole value. */
final class FieldDiffer {

    static final String REDACTED = "<redacted>";

    private FieldDiffer() {}

    static List<FieldDifference> differences(@Nullable Object expected, @Nullable Object actual, boolean redact) {
        if (expected != null
                && actual != null
                && expected.getClass().isRecord()
                && expected.getClass() == actual.getClass()) {
            List<FieldDifference> differences = new ArrayList<>();
            for (RecordComponent component : expected.getClass().getRecordComponents()) {
                Object a = value(component, expected);
                Object b = value(component, actual);
                if (!Objects.equals(a, b)) {
                    differences.add(difference(component.getName(), a, b, redact));
                }
            }
            return differences;
        }
        return List.of(difference("value", expected, actual, redact));
    }

    private static FieldDifference difference(String field, @Nullable Object a, @Nullable Object b, boolean redact) {
        return redact
                ? new FieldDifference(field, REDACTED, REDACTED)
                : new FieldDifference(field, String.valueOf(a), String.valueOf(b));
    }

    private static @Nullable Object value(RecordComponent component, Object record) {
        try {
            component.getAccessor().setAccessible(true);
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "<unreadable: " + e.getClass().getSimpleName() + ">";
        }
    }
}
