package io.dualwrite.core.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Rows as PostgreSQL {@code COPY ... (FORMAT csv)} text that the database reads back as exactly the values
 * {@link java.sql.PreparedStatement#setObject} would have bound, or nothing when one value has no such text form.
 *
 * <p>Only pairs of a column type (PostgreSQL's name, as {@link java.sql.ResultSetMetaData#getColumnTypeName} gives
 * it) and a Java class known to read back exactly are written; any other pair (a domain, {@code json}, an array, a
 * {@code Double} into {@code numeric}, an {@code OffsetDateTime} into {@code timestamp}, a year outside 1 to 9999)
 * makes {@link #encode} return null and the caller insert as before. NULL is an unquoted empty field; every string
 * is quoted, so an empty string stays empty; a quote is doubled. Timestamps are rounded to microseconds half up, as
 * pgjdbc rounds them.
 */
final class CopyCsv {

    private static final Set<String> TEXT = Set.of("text", "varchar", "bpchar", "citext", "name");
    private static final Set<String> INTEGERS = Set.of("int2", "int4", "int8");

    private final List<String> types;
    private final ZoneId zone;

    /** An encoder for columns of these types, in order; {@code java.sql} dates are read in {@code zone}. */
    CopyCsv(List<String> types, ZoneId zone) {
        this.types = List.copyOf(types);
        this.zone = zone;
    }

    /** Whether every column's type is one this encoder writes (some values may still not be). */
    boolean knowsEveryType() {
        return types.stream().allMatch(CopyCsv::knownType);
    }

    static boolean knownType(String type) {
        return TEXT.contains(type)
                || INTEGERS.contains(type)
                || Set.of("numeric", "float4", "float8", "bool", "date", "timestamp", "timestamptz", "uuid", "bytea")
                        .contains(type);
    }

    /** The rows (each one value per column, in order) as CSV in UTF-8, or null if a value has no exact text form. */
    byte @Nullable [] encode(List<Object[]> rows) {
        StringBuilder out = new StringBuilder(rows.size() * 16 * Math.max(1, types.size()));
        for (Object[] row : rows) {
            for (int i = 0; i < types.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                if (!append(out, types.get(i), row[i])) {
                    return null;
                }
            }
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends one field; false when the value has no exact text form for the column type. */
    private boolean append(StringBuilder out, String type, @Nullable Object value) {
        if (value == null) {
            return true;
        }
        if (TEXT.contains(type)) {
            if (!(value instanceof String text)) {
                return false;
            }
            quoted(out, text);
            return true;
        }
        if (INTEGERS.contains(type)) {
            if (value instanceof Long
                    || value instanceof Integer
                    || value instanceof Short
                    || value instanceof Byte
                    || value instanceof BigInteger) {
                out.append(value);
                return true;
            }
            return false;
        }
        switch (type) {
            case "numeric" -> {
                if (value instanceof BigDecimal decimal) {
                    out.append(decimal.toPlainString());
                } else if (value instanceof Long
                        || value instanceof Integer
                        || value instanceof Short
                        || value instanceof Byte
                        || value instanceof BigInteger) {
                    out.append(value);
                } else {
                    return false;
                }
            }
            case "float8" -> {
                if (!(value instanceof Double number)) {
                    return false;
                }
                out.append(number.toString()); // shortest text that reads back as the same double; NaN, Infinity
            }
            case "float4" -> {
                if (!(value instanceof Float number)) {
                    return false;
                }
                out.append(number.toString());
            }
            case "bool" -> {
                if (!(value instanceof Boolean flag)) {
                    return false;
                }
                out.append(flag ? 't' : 'f');
            }
            case "uuid" -> {
                if (!(value instanceof UUID uuid)) {
                    return false;
                }
                out.append(uuid);
            }
            case "bytea" -> {
                if (!(value instanceof byte[] bytes)) {
                    return false;
                }
                out.append("\\x"); // backslash is no escape in CSV
                for (byte b : bytes) {
                    out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
                }
            }
            case "date" -> {
                LocalDate date = value instanceof LocalDate local
                        ? local
                        : value instanceof java.sql.Date sql ? sql.toLocalDate() : null;
                if (date == null || date.getYear() < 1 || date.getYear() > 9999) {
                    return false;
                }
                out.append(date);
            }
            case "timestamp" -> {
                // The wall time: what pgjdbc binds for LocalDateTime, and for Timestamp in the JVM's zone.
                LocalDateTime time = value instanceof LocalDateTime local
                        ? local
                        : value instanceof java.sql.Timestamp sql ? sql.toLocalDateTime() : null;
                return time != null && dateTime(out, time, null);
            }
            case "timestamptz" -> {
                if (value instanceof OffsetDateTime offset) {
                    return dateTime(
                            out, offset.toLocalDateTime(), offset.getOffset().getId());
                }
                if (value instanceof java.sql.Timestamp sql) {
                    OffsetDateTime inZone = sql.toInstant().atZone(zone).toOffsetDateTime();
                    return dateTime(
                            out, inZone.toLocalDateTime(), inZone.getOffset().getId());
                }
                // A LocalDateTime reads in the session's time zone, as its bound timestamp is cast.
                return value instanceof LocalDateTime local && dateTime(out, local, null);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean dateTime(StringBuilder out, LocalDateTime time, @Nullable String offset) {
        int micros = (time.getNano() + 500) / 1000;
        LocalDateTime rounded = time.withNano(0).plusNanos(micros * 1000L);
        if (rounded.getYear() < 1 || rounded.getYear() > 9999) {
            return false;
        }
        out.append(String.format(
                Locale.ROOT,
                "%04d-%02d-%02d %02d:%02d:%02d.%06d",
                rounded.getYear(),
                rounded.getMonthValue(),
                rounded.getDayOfMonth(),
                rounded.getHour(),
                rounded.getMinute(),
                rounded.getSecond(),
                rounded.getNano() / 1000));
        if (offset != null) {
            out.append(offset.equals("Z") ? "+00:00" : offset);
        }
        return true;
    }

    private static void quoted(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"') {
                out.append('"');
            }
            out.append(ch);
        }
        out.append('"');
    }
}
