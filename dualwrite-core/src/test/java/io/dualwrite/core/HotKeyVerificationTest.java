package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.VerifierOptions;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * "In flight" is a state a key leaves: a key whose NEW value differs from OLD's on every look, and differently each
 * time, is reported after the verifier's last look instead of being counted as a write in flight for good.
 */
class HotKeyVerificationTest {

    @Test
    void aKeyThatDiffersDifferentlyOnEveryLookIsReportedNotDroppedAsInFlight() {
        DataSource h2 = TestDatabases.h2().dataSource();
        DualWriteSchema.create(h2);
        People.createTables(h2, "hot");
        JdbcTransactions transactions = JdbcTransactions.of(h2);
        for (long id = 1; id <= 20; id++) {
            People.execute(
                    h2,
                    "INSERT INTO hot_old (id, full_name) VALUES (" + id + ", 'First" + id + " Last" + id + "')",
                    "INSERT INTO hot_new (id, first_name, last_name) VALUES (" + id + ", 'First" + id + "', 'Last" + id
                            + "')");
        }
        AtomicInteger looks = new AtomicInteger();
        ForwardingStore<Long, PersonName> churning = new ForwardingStore<>(People.newStore(transactions, "hot")) {
            @Override
            public Optional<PersonName> read(Long key) {
                // Key 7 never settles: each look sees another value, none equal to OLD's.
                return key == 7L
                        ? Optional.of(new PersonName(7, "First7", "Changing" + looks.incrementAndGet()))
                        : super.read(key);
            }
        };
        People.execute(h2, "UPDATE hot_new SET last_name = 'Changed0' WHERE id = 7");
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "hot-key", Long.class, People.oldStore(transactions, "hot"), churning)
                .toNew(People::split)
                .build();
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(migration)
                .verificationStore(new JdbcVerificationStore(transactions))
                .verifierOptions(new VerifierOptions(50, Duration.ofMillis(1), 0))
                .build();
        try {
            VerificationProgress result = dualWrite.verify("hot-key");

            assertThat(result.divergences()).isEqualTo(1);
            assertThat(result.inFlight()).isZero();
            assertThat(looks.get()).isGreaterThanOrEqualTo(5);
            assertThat(dualWrite.ledgerSize("hot-key")).isEqualTo(1);
        } finally {
            dualWrite.close();
        }
    }
}
