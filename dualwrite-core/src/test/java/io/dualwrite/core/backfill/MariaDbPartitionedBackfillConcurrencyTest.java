package io.dualwrite.core.backfill;

import java.util.Random;

/**
 * As {@link MariaDbBackfillConcurrencyTest}, with the copy split into 2 to 8 partitions that one to three worker
 * threads of two instances copy at once.
 */
class MariaDbPartitionedBackfillConcurrencyTest extends MariaDbBackfillConcurrencyTest {

    @Override
    protected String prefix() {
        return "bf_part_maria";
    }

    @Override
    protected int partitions(Random random) {
        return 2 + random.nextInt(7);
    }
}
