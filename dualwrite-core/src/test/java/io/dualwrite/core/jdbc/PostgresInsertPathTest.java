package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresInsertPathTest extends AbstractInsertPathTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }

    @Override
    protected String columnDefinitions() {
        return "txt TEXT, vc VARCHAR(200), num NUMERIC(40, 10), big BIGINT, flag BOOLEAN, day DATE, at TIMESTAMP,"
                + " atz TIMESTAMPTZ, uid UUID, bin BYTEA, dbl DOUBLE PRECISION, plain_at_tz TIMESTAMPTZ";
    }

    @Override
    protected List<String> columns() {
        return List.of("txt", "vc", "num", "big", "flag", "day", "at", "atz", "uid", "bin", "dbl", "plain_at_tz");
    }

    @Override
    protected List<Row> awkwardRows() {
        return rows(List.of(
                DECIMALS,
                LONGS,
                BOOLEANS,
                DATES,
                DATE_TIMES,
                OFFSET_TIMES,
                UUIDS,
                BYTES,
                List.of(0.1, -1e300, Double.NaN, Double.POSITIVE_INFINITY, 4.9e-324, -0.0),
                DATE_TIMES));
    }

    @Override
    protected String sameValue(String column) {
        return "r." + column + " IS NOT DISTINCT FROM d." + column;
    }

    @Test
    void aColumnTypeTheCopyEncoderDoesNotKnowFallsBackToTheBatchedInsert() {
        var dataSource = database().dataSource();
        People.execute(
                dataSource,
                "DROP TABLE IF EXISTS ins_path_domain",
                "CREATE TABLE ins_path_domain (id BIGINT PRIMARY KEY, amount INTEGER, address INET)");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcStore<Long, long[]> store = JdbcStore.builder(transactions, Long.class, long[].class)
                .table("ins_path_domain")
                .key("id", row -> row[0])
                .columns("amount", "address")
                .mapper(rs -> new long[] {rs.getLong(1), rs.getLong(2)})
                .binder((row, values) -> values.set("amount", (int) row[1]).set("address", null))
                .insertPath(InsertPath.COPY)
                .build();

        transactions.inTransaction(() -> store.insertAbsent(List.of(new long[] {1, 5}, new long[] {2, 7})));

        assertThat(store.lastWrite()).isEqualTo(InsertPath.BATCHED);
        assertThat(People.rows(dataSource, "ins_path_domain"))
                .containsEntry(1L, "5|null")
                .containsEntry(2L, "7|null");
    }
}
