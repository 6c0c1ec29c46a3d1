package io.dualwrite.core.verify;

/** As {@link PostgresVerificationTest}, the verification walking each side on three threads. */
class PostgresParallelVerificationTest extends PostgresVerificationTest {

    @Override
    protected String prefix() {
        return super.prefix() + "_par";
    }

    @Override
    protected int verifierWorkers() {
        return 3;
    }
}
