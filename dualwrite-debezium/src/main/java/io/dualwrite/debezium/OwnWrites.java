package io.dualwrite.debezium;

import io.dualwrite.core.jdbc.WriterMarker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;

/**
 * Reads Debezium's PostgreSQL change events in stream order and tells bypass writes from dualwrite's own: a change
 * between dualwrite's {@code on} and {@code off} logical decoding messages ({@link WriterMarker#logMessage}) of the
 * same transaction is dualwrite's. pgoutput sends a transaction's messages and changes together at its commit, in the
 * order they were written, so the markers bracket exactly the changes dualwrite made.
 *
 * <p>An UPDATE whose before image is known (the table's {@code REPLICA IDENTITY FULL}) is a bypass write only if the
 * key or one of the migration's columns changed; without a before image every UPDATE counts (a redundant copy at
 * worst).
 */
final class OwnWrites {

    /** What one event was. */
    enum Kind {
        BYPASS,
        OWN,
        UNCHANGED,
        MARKER,
        OTHER
    }

    /** An event's kind and the keys (the key column's text) it changed. */
    record Classified(Kind kind, List<String> keys, @Nullable Long commitMillis) {}

    private final String keyColumn;
    private final List<String> columns;
    private @Nullable Long markedTransaction;

    OwnWrites(String keyColumn, List<String> columns) {
        this.keyColumn = Objects.requireNonNull(keyColumn, "keyColumn");
        this.columns = List.copyOf(columns);
    }

    Classified classify(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return new Classified(Kind.OTHER, List.of(), null); // a heartbeat, a tombstone
        }
        String op = value.getString("op");
        Struct source = value.schema().field("source") == null ? null : value.getStruct("source");
        Long transaction = source == null ? null : optionalLong(source, "txId");
        Long commitMillis = source == null ? null : optionalLong(source, "ts_ms");
        if ("m".equals(op)) {
            marker(value, transaction);
            return new Classified(Kind.MARKER, List.of(), commitMillis);
        }
        if (!"c".equals(op) && !"u".equals(op) && !"d".equals(op)) {
            return new Classified(Kind.OTHER, List.of(), commitMillis);
        }
        if (markedTransaction != null && markedTransaction.equals(transaction)) {
            return new Classified(Kind.OWN, List.of(), commitMillis);
        }
        Struct before = optionalStruct(value, "before");
        Struct after = optionalStruct(value, "after");
        if ("u".equals(op) && before != null && after != null && unchanged(before, after)) {
            return new Classified(Kind.UNCHANGED, List.of(), commitMillis);
        }
        List<String> keys = new ArrayList<>(2);
        addKey(keys, record.key() instanceof Struct key ? key : null);
        if (keys.isEmpty()) {
            addKey(keys, after != null ? after : before);
        }
        return new Classified(Kind.BYPASS, keys, commitMillis);
    }

    private void marker(Struct value, @Nullable Long transaction) {
        Struct message = optionalStruct(value, "message");
        if (message == null || !WriterMarker.LOG_MESSAGE_PREFIX.equals(message.getString("prefix"))) {
            return;
        }
        Object content = message.get("content");
        String text = content instanceof byte[] bytes
                ? new String(bytes, StandardCharsets.UTF_8)
                : content instanceof ByteBuffer buffer
                        ? StandardCharsets.UTF_8.decode(buffer.duplicate()).toString()
                        : String.valueOf(content);
        if (WriterMarker.LOG_MESSAGE_ON.equals(text) && transaction != null) {
            markedTransaction = transaction;
        } else if (WriterMarker.LOG_MESSAGE_OFF.equals(text)) {
            markedTransaction = null;
        }
    }

    private boolean unchanged(Struct before, Struct after) {
        if (!Objects.deepEquals(value(before, keyColumn), value(after, keyColumn))) {
            return false;
        }
        for (String column : columns) {
            if (!Objects.deepEquals(value(before, column), value(after, column))) {
                return false;
            }
        }
        return true;
    }

    private void addKey(List<String> keys, @Nullable Struct row) {
        if (row == null) {
            return;
        }
        Object key = value(row, keyColumn);
        if (key != null) {
            keys.add(key.toString());
        }
    }

    private static @Nullable Object value(Struct row, String column) {
        Field field = row.schema().field(column);
        if (field == null) {
            for (Field candidate : row.schema().fields()) {
                if (candidate.name().equalsIgnoreCase(column)) {
                    field = candidate;
                    break;
                }
            }
        }
        return field == null ? null : row.get(field);
    }

    private static @Nullable Struct optionalStruct(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : struct.getStruct(name);
    }

    private static @Nullable Long optionalLong(Struct struct, String name) {
        Field field = struct.schema().field(name);
        return field == null || struct.get(field) == null ? null : ((Number) struct.get(field)).longValue();
    }
}
