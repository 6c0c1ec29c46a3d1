package io.dualwrite.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * The filter of dualwrite's own changes, on events shaped as Debezium's PostgreSQL connector shapes them: the stream
 * order inside one transaction decides (the end-to-end behaviour is {@link PostgresDebeziumCaptureTest}'s).
 */
class OwnWritesTest {

    private static final Schema ROW = SchemaBuilder.struct()
            .optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("full_name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema KEY =
            SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();
    private static final Schema CHANGE = SchemaBuilder.struct()
            .field("op", Schema.STRING_SCHEMA)
            .field("before", ROW)
            .field("after", ROW)
            .field("source", SOURCE)
            .build();
    private static final Schema MESSAGE_CONTENT = SchemaBuilder.struct()
            .field("prefix", Schema.STRING_SCHEMA)
            .field("content", Schema.BYTES_SCHEMA)
            .build();
    private static final Schema MESSAGE = SchemaBuilder.struct()
            .field("op", Schema.STRING_SCHEMA)
            .field("source", SOURCE)
            .field("message", MESSAGE_CONTENT)
            .build();

    private final OwnWrites own = new OwnWrites("id", List.of("full_name"));

    @Test
    void changesBetweenTheMarkersOfOneTransactionAreDualwritesAndTheCallersAfterThemAreNot() {
        assertThat(own.classify(message(7, "dualwrite", "on")).kind()).isEqualTo(OwnWrites.Kind.MARKER);
        assertThat(own.classify(change(7, "u", 1, null, "Ada")).kind()).isEqualTo(OwnWrites.Kind.OWN);
        own.classify(message(7, "dualwrite", "off"));
        OwnWrites.Classified callers = own.classify(change(7, "u", 2, null, "Alan"));
        assertThat(callers.kind()).isEqualTo(OwnWrites.Kind.BYPASS);
        assertThat(callers.keys()).containsExactly("2");
    }

    @Test
    void aMarkerOfAnotherTransactionOrPrefixMarksNothing() {
        own.classify(message(7, "dualwrite", "on"));
        assertThat(own.classify(change(8, "c", 1, null, "Ada")).kind()).isEqualTo(OwnWrites.Kind.BYPASS);
        OwnWrites fresh = new OwnWrites("id", List.of("full_name"));
        fresh.classify(message(9, "someone-else", "on"));
        assertThat(fresh.classify(change(9, "d", 3, "Grace", null)).keys()).containsExactly("3");
    }

    @Test
    void anUpdateWithABeforeImageCountsOnlyIfAnOwnedColumnChanged() {
        Struct before = row(1, "Ada", "a");
        Struct otherColumn = row(1, "Ada", "b");
        Struct ownedColumn = row(1, "Ada King", "b");
        assertThat(own.classify(record(1, "u", before, otherColumn, 5)).kind()).isEqualTo(OwnWrites.Kind.UNCHANGED);
        assertThat(own.classify(record(1, "u", before, ownedColumn, 5)).kind()).isEqualTo(OwnWrites.Kind.BYPASS);
        // Without a before image (REPLICA IDENTITY DEFAULT) every update counts.
        assertThat(own.classify(record(1, "u", null, otherColumn, 5)).kind()).isEqualTo(OwnWrites.Kind.BYPASS);
    }

    private static SourceRecord change(long tx, String op, long id, String before, String after) {
        return record(
                id, op, before == null ? null : row(id, before, null), after == null ? null : row(id, after, null), tx);
    }

    private static SourceRecord record(long id, String op, Struct before, Struct after, long tx) {
        Struct value = new Struct(CHANGE)
                .put("op", op)
                .put("before", before)
                .put("after", after)
                .put("source", new Struct(SOURCE).put("txId", tx).put("ts_ms", 1L));
        return new SourceRecord(
                Map.of(), Map.of(), "dualwrite.public.t", KEY, new Struct(KEY).put("id", id), CHANGE, value);
    }

    private static Struct row(long id, String name, String note) {
        return new Struct(ROW).put("id", id).put("full_name", name).put("note", note);
    }

    private static SourceRecord message(long tx, String prefix, String content) {
        Struct value = new Struct(MESSAGE)
                .put("op", "m")
                .put("source", new Struct(SOURCE).put("txId", tx).put("ts_ms", 1L))
                .put(
                        "message",
                        new Struct(MESSAGE_CONTENT)
                                .put("prefix", prefix)
                                .put("content", content.getBytes(StandardCharsets.UTF_8)));
        return new SourceRecord(Map.of(), Map.of(), "dualwrite.message", null, null, MESSAGE, value);
    }
}
