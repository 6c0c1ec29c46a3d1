package io.dualwrite.core.backfill;

import java.util.Random;

/**
 * As {@link PostgresBackfillConcurrencyTest}, with the copy split into 2 to 8 partitions that one to three worker
 * threads of two instances copy at once.
 */
class PostgresPartitionedBackfillConcurrencyTest extends PostgresBackfillConcurrencyTest {

    @Override
    protected String prefix() {
        return "bf_part_pg";
    }

    @Override
    protected int partitions(Random random) {
        return 2 + random.nextInt(7);
    }
}
