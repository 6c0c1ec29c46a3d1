package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.backfill.BackfillPartition;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A partition plan is stored only for the run it was made for, also when a restart of the backfill happens while the
 * plan is being stored: the plan of the earlier run must not survive next to the restarted backfill, or the keys
 * only the restarted run's range holds are never copied while every stored range completes.
 */
abstract class AbstractPartitionPlanRaceTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract DataSource database();

    /**
     * Instance A plans the run whose upper key is 100 and is about to store the plan (its transaction waits for the
     * backfill's row, held here by another transaction); an operator restarts the backfill meanwhile (upper key 200:
     * keys were written to OLD alone during a rollback). The held row is released: A's plan transaction runs first,
     * then the restart's.
     */
    @Test
    void aRestartWhileAPlanIsStoredLeavesNoPlanOfTheEarlierRun() throws Exception {
        DataSource db = database();
        DualWriteSchema.create(db);
        JdbcBackfillStore store = new JdbcBackfillStore(db);
        String migration = "plan-race-" + UUID.randomUUID();
        store.startIfAbsent(migration, "100", 100, T0);
        List<BackfillPartition.Range> plan =
                List.of(new BackfillPartition.Range(null, "50"), new BackfillPartition.Range("50", "100"));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection holder = db.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock =
                    holder.prepareStatement("SELECT state FROM dualwrite_backfill WHERE migration = ? FOR UPDATE")) {
                lock.setString(1, migration);
                lock.executeQuery().close();
            }
            Future<Boolean> planner =
                    pool.submit(() -> store.planPartitions(migration, "100", plan, T0.plusSeconds(1)));
            Thread.sleep(700); // the planner waits for the backfill's row
            Future<BackfillProgress> restart =
                    pool.submit(() -> store.restart(migration, "200", 200, T0.plusSeconds(2)));
            Thread.sleep(700); // the restart waits too, behind the planner
            holder.rollback();
            planner.get(30, TimeUnit.SECONDS);
            restart.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        BackfillProgress whole = store.find(migration).orElseThrow();
        assertThat(whole.upperKey()).isEqualTo("200");
        List<BackfillPartition> stored = store.partitions(migration);
        assertThat(stored.stream().map(BackfillPartition::upperKey).toList())
                .as("upper keys of the plan stored next to the restarted backfill (upper key 200)")
                .doesNotContain("100");
        // What a stale plan would lead to: its ranges are copied and completed, and the whole is COMPLETED although
        // no range held the keys in (100, 200].
        for (int i = 0; i < stored.size(); i++) {
            Optional<BackfillPartition> claimed =
                    store.claimPartition(migration, "w", T0.plusSeconds(3), T0.plusSeconds(60));
            assertThat(claimed).isPresent();
            store.completePartition(migration, claimed.get().number(), "w", T0.plusSeconds(4));
        }
        if (store.completeIfAllPartitionsDone(migration, T0.plusSeconds(5))) {
            assertThat(store.find(migration).orElseThrow().state()).isEqualTo(BackfillState.COMPLETED);
            assertThat(stored.get(stored.size() - 1).upperKey())
                    .as("the last range of a completed backfill ends at its upper key")
                    .isEqualTo("200");
        }
    }

    /**
     * A plan made from a checkpoint of the earlier run (an unpartitioned copy had reached key 50) is refused once the
     * backfill was restarted with the same upper key: the restarted run copies from its first key.
     */
    @Test
    void aPlanMadeFromTheCheckpointOfAnEarlierRunIsRefused() {
        DataSource db = database();
        DualWriteSchema.create(db);
        JdbcBackfillStore store = new JdbcBackfillStore(db);
        String migration = "plan-stale-" + UUID.randomUUID();
        store.startIfAbsent(migration, "100", 100, T0);
        assertThat(store.acquireLease(migration, "a", T0, T0.plusSeconds(60))).isTrue();
        assertThat(store.checkpoint(migration, "a", "50", 50, 10, T0.plusSeconds(1), T0.plusSeconds(60)))
                .isTrue();
        BackfillProgress read = store.find(migration).orElseThrow(); // the planner's read: after key 50
        store.restart(migration, "100", 100, T0.plusSeconds(2));

        boolean planned = store.planPartitions(
                migration,
                read.upperKey(),
                List.of(new BackfillPartition.Range(read.lastKey(), "75"), new BackfillPartition.Range("75", "100")),
                T0.plusSeconds(3));

        assertThat(planned)
                .as("a plan starting after key 50 for a run that copied nothing")
                .isFalse();
        assertThat(store.partitions(migration)).isEmpty();
    }

    /**
     * Workers starting at once each claim a range: a worker's claim locks only the range it claims, so the others'
     * claims at the same moment pass over it and take the next free ones (a worker that finds nothing to claim ends,
     * and the copy would run on fewer threads than configured).
     */
    @Test
    void workersClaimingAtOnceEachGetAFreeRange() throws Exception {
        DataSource db = database();
        DualWriteSchema.create(db);
        JdbcBackfillStore store = new JdbcBackfillStore(db);
        int ranges = 6;
        ExecutorService pool = Executors.newFixedThreadPool(ranges);
        try {
            for (int round = 0; round < 15; round++) {
                String migration = "claim-race-" + UUID.randomUUID();
                store.startIfAbsent(migration, String.valueOf(ranges * 10), ranges * 10L, T0);
                List<BackfillPartition.Range> plan = new java.util.ArrayList<>();
                for (int i = 0; i < ranges; i++) {
                    plan.add(new BackfillPartition.Range(
                            i == 0 ? null : String.valueOf(i * 10), String.valueOf((i + 1) * 10)));
                }
                assertThat(store.planPartitions(migration, String.valueOf(ranges * 10), plan, T0))
                        .isTrue();
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(ranges);
                List<Future<Optional<BackfillPartition>>> claims = new java.util.ArrayList<>();
                for (int w = 0; w < ranges; w++) {
                    String owner = "i#" + w;
                    claims.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return store.claimPartition(migration, owner, T0.plusSeconds(1), T0.plusSeconds(60));
                    }));
                }
                java.util.Set<Integer> claimed = new java.util.TreeSet<>();
                for (Future<Optional<BackfillPartition>> claim : claims) {
                    claim.get(30, TimeUnit.SECONDS).ifPresent(range -> claimed.add(range.number()));
                }
                assertThat(claimed)
                        .as("ranges claimed by %d workers at once (round %d)", ranges, round)
                        .hasSize(ranges);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
