package io.dualwrite.core;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcInstanceRegistry;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import java.time.Duration;

/**
 * An application instance in a JVM of its own, for the multi-instance tests: {@code InstanceProcess <jdbcUrl>
 * <user> <tablePrefix> <migration> <instanceId> <refreshMillis>}. Registers with the instance registry, applies
 * phases by polling only, and runs until it is killed.
 */
public final class InstanceProcess {

    /** The heartbeat interval and instance timeout the tests expect. */
    public static final Duration HEARTBEAT = Duration.ofMillis(100);

    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    private InstanceProcess() {}

    public static void main(String[] args) throws InterruptedException {
        Migration<Long, Person, PersonName> migration = People.migrationInChildJvm(args[0], args[1], args[2], args[3]);
        JdbcTransactions transactions = (JdbcTransactions) migration.oldStore().transactions();
        DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(migration)
                .instanceId(args[4])
                .refreshInterval(Duration.ofMillis(Long.parseLong(args[5])))
                .instanceRegistry(new JdbcInstanceRegistry(transactions), HEARTBEAT, TIMEOUT)
                .build();
        System.out.println("instance " + args[4] + " ready");
        Thread.sleep(Long.MAX_VALUE);
    }
}
