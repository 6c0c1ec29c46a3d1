package io.dualwrite.core.backfill;

import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.SqlChunkCopier;
import java.time.Clock;
import java.time.Duration;

/**
 * A backfill in a JVM of its own, for the crash tests: {@code BackfillProcess <jdbcUrl> <user> <tablePrefix>
 * <migration> <instanceId> [<partitions> <workers>]}. Copies slowly (a rate limit) so that the test can kill it mid-run.
 */
public final class BackfillProcess {

    private BackfillProcess() {}

    public static void main(String[] args) {
        Migration<Long, Person, PersonName> migration = People.migrationInChildJvm(args[0], args[1], args[2], args[3]);
        JdbcTransactions transactions = (JdbcTransactions) migration.oldStore().transactions();
        BackfillOptions options = BackfillOptions.defaults()
                .withChunkSizes(200, 50, 500)
                .withMaxRowsPerSecond(4000)
                .withLeaseDuration(Duration.ofSeconds(2));
        if (args.length > 6) {
            options = BackfillOptions.from(options)
                    .partitions(Integer.parseInt(args[5]))
                    .workers(Integer.parseInt(args[6]))
                    .build();
        }
        Backfill<Long, Person, PersonName> backfill = new Backfill<>(
                migration,
                new JdbcBackfillStore(transactions),
                options,
                args[4],
                Clock.systemUTC(),
                () -> SqlChunkCopier.forMigration(migration).orElse(null));
        backfill.start();
        Backfill.Outcome outcome;
        do {
            outcome = backfill.run(() -> true);
            if (outcome == Backfill.Outcome.LEASE_HELD_ELSEWHERE) {
                sleep();
            }
        } while (outcome == Backfill.Outcome.LEASE_HELD_ELSEWHERE);
        System.out.println("backfill outcome: " + outcome);
        System.exit(outcome == Backfill.Outcome.COMPLETED ? 0 : 1);
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
