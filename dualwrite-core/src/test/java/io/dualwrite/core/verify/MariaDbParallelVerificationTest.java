package io.dualwrite.core.verify;

/** As {@link MariaDbVerificationTest}, the verification walking each side on three threads. */
class MariaDbParallelVerificationTest extends MariaDbVerificationTest {

    @Override
    protected String prefix() {
        return super.prefix() + "_par";
    }

    @Override
    protected int verifierWorkers() {
        return 3;
    }
}
