package io.dualwrite.core;

/**
 * As {@link MariaDbKeyOrderTest}, the verification walking each side on three threads: its ranges split along the
 * database's order of the keys, planted differences all found, an interrupted walk resumed without a gap.
 */
class MariaDbParallelKeyOrderTest extends MariaDbKeyOrderTest {

    @Override
    protected String prefix() {
        return super.prefix() + "_par";
    }

    @Override
    protected int verifierWorkers() {
        return 3;
    }
}
