package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.backfill.ChunkCopier;
import io.dualwrite.core.model.SqlMapping;
import io.dualwrite.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The SQL-mapped chunk on PostgreSQL, when a live write races it on one key. */
class SqlChunkCopierTest {

    private static final String PREFIX = "sql_chunk";

    @Test
    void aLiveInsertIntoNewDuringTheChunkIsKeptAndTheChunkStillCompletes() throws Exception {
        DataSource dataSource = TestDatabases.postgres().dataSource();
        People.createTables(dataSource, PREFIX);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcStore<Long, Person> old = People.oldStore(transactions, PREFIX);
        JdbcStore<Long, PersonName> fresh = People.newStore(transactions, PREFIX);
        for (long id = 1; id <= 10; id++) {
            old.upsert(new Person(id, "Old " + id));
        }
        SqlChunkCopier<Long> copier = new SqlChunkCopier<>(
                old,
                fresh,
                SqlMapping.builder()
                        .column("first_name", "split_part(full_name, ' ', 1)")
                        .column("last_name", "substr(full_name, strpos(full_name, ' ') + 1)")
                        .build());
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // A live dual write of key 5: OLD first, then NEW, and it commits only when told.
            Future<?> liveWrite = pool.submit(() -> {
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(false);
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE " + PREFIX + "_old SET full_name = 'Live Write' WHERE id = 5");
                        s.executeUpdate("INSERT INTO " + PREFIX + "_new VALUES (5, 'Live', 'Write')");
                    }
                    written.countDown();
                    commit.await(10, TimeUnit.SECONDS);
                    c.commit();
                }
                return null;
            });
            assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
            Future<ChunkCopier.Chunk<Long>> chunk = pool.submit(() -> copier.copy(null, 10L, 100));
            Thread.sleep(300);
            assertThat(chunk)
                    .as("the chunk waits for the live write's lock on OLD row 5")
                    .isNotDone();

            commit.countDown();
            liveWrite.get(10, TimeUnit.SECONDS);
            ChunkCopier.Chunk<Long> copied = chunk.get(10, TimeUnit.SECONDS);

            assertThat(copied.rows()).isEqualTo(10);
            assertThat(copied.lastKey()).isEqualTo(10L);
            assertThat(People.rows(dataSource, PREFIX + "_new"))
                    .hasSize(10)
                    .containsEntry(5L, "Live|Write")
                    .containsEntry(4L, "Old|4");
        } finally {
            commit.countDown();
            pool.shutdownNow();
        }
    }
}
