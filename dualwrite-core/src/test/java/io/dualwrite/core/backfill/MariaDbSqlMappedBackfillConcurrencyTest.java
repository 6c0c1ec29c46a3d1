package io.dualwrite.core.backfill;

import io.dualwrite.core.model.SqlMapping;

/** As {@link MariaDbBackfillConcurrencyTest}, copying with the SQL-declared mapping. */
class MariaDbSqlMappedBackfillConcurrencyTest extends MariaDbBackfillConcurrencyTest {

    @Override
    protected String prefix() {
        return "bf_conc_maria_sql";
    }

    @Override
    protected SqlMapping sqlMapping() {
        return SqlMapping.builder()
                .column("first_name", "SUBSTRING_INDEX(full_name, ' ', 1)")
                .column(
                        "last_name",
                        "CASE WHEN LOCATE(' ', full_name) = 0 THEN ''"
                                + " ELSE SUBSTRING(full_name, LOCATE(' ', full_name) + 1) END")
                .build();
    }
}
