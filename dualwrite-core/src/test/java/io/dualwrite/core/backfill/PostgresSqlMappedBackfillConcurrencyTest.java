package io.dualwrite.core.backfill;

import io.dualwrite.core.model.SqlMapping;

/** As {@link PostgresBackfillConcurrencyTest}, copying with the SQL-declared mapping. */
class PostgresSqlMappedBackfillConcurrencyTest extends PostgresBackfillConcurrencyTest {

    @Override
    protected String prefix() {
        return "bf_conc_pg_sql";
    }

    @Override
    protected SqlMapping sqlMapping() {
        return SqlMapping.builder()
                .column("first_name", "split_part(full_name, ' ', 1)")
                .column(
                        "last_name",
                        "CASE WHEN strpos(full_name, ' ') = 0 THEN ''"
                                + " ELSE substr(full_name, strpos(full_name, ' ') + 1) END")
                .build();
    }
}
