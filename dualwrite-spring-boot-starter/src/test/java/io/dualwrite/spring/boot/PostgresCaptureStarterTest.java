package io.dualwrite.spring.boot;

import static io.dualwrite.spring.boot.actuate.TestSecurityContexts.anyone;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.jdbc.CaptureFeed;
import io.dualwrite.spring.boot.actuate.DualWriteEndpoint;
import io.dualwrite.spring.boot.actuate.MigrationStatus;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PostgresCaptureStarterTest extends AbstractCaptureStarterTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }

    /** A feed from the log (as dualwrite-debezium's) that hands on the keys the test gives it. */
    static final class KeysFeed implements CaptureFeed {
        final List<BypassCapture<?, ?, ?>> started = new CopyOnWriteArrayList<>();

        @Override
        public void start(BypassCapture<?, ?, ?> capture) {
            started.add(capture);
        }

        @Override
        public Map<String, Object> status() {
            return Map.of("source", "test", "streaming", !started.isEmpty());
        }

        @Override
        public void close() {}
    }

    @Test
    void aCaptureFedFromTheLogShowsWhatItsFeedReportsInTheStatus() {
        KeysFeed feed = new KeysFeed();
        // No drain runs during the test (its first comes an hour after start): the record stays pending to be seen.
        app().withPropertyValues("dualwrite.capture.drain-interval=1h")
                .withBean(
                        DualWriteBuilderCustomizer.class,
                        () -> builder -> builder.captureBypassWrites(migrationName(), feed))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    assertThat(feed.started).hasSize(1); // started with the background work
                    feed.started.get(0).record(List.of("7"));

                    MigrationStatus status = (MigrationStatus) new DualWriteEndpoint(dualWrite, null)
                            .migration(migrationName(), anyone())
                            .getBody();
                    assertThat(status.bypassWrites()).isNotNull();
                    assertThat(status.bypassWrites().feed())
                            .containsEntry("source", "test")
                            .containsEntry("streaming", true);
                    assertThat(status.bypassWrites().pending()).isEqualTo(1);
                    assertThat(status.bypassWrites().pendingKeys()).containsExactly("7");
                });
    }
}
