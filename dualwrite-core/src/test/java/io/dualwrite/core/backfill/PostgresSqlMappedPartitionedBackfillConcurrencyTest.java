package io.dualwrite.core.backfill;

import java.util.Random;

/** As {@link PostgresSqlMappedBackfillConcurrencyTest}, with the copy split into partitions on several workers. */
class PostgresSqlMappedPartitionedBackfillConcurrencyTest extends PostgresSqlMappedBackfillConcurrencyTest {

    @Override
    protected String prefix() {
        return "bf_part_pg_sql";
    }

    @Override
    protected int partitions(Random random) {
        return 2 + random.nextInt(7);
    }
}
