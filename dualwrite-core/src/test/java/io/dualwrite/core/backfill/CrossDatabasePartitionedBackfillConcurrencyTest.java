package io.dualwrite.core.backfill;

import java.util.Random;

/** As {@link CrossDatabaseBackfillConcurrencyTest}, with the copy split into partitions on several workers. */
class CrossDatabasePartitionedBackfillConcurrencyTest extends CrossDatabaseBackfillConcurrencyTest {

    @Override
    protected String prefix() {
        return "bf_part_cross";
    }

    @Override
    protected int partitions(Random random) {
        return 2 + random.nextInt(7);
    }
}
