package io.dualwrite.sample;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Creates, updates, reads and deletes customers at a steady rate, so that a migration can be watched under load.
 * Off by default: {@code sample.traffic.enabled=true} starts it with the application, {@code POST /traffic} starts,
 * stops or re-paces it at run time. Every operation goes through {@link CustomerService}, as a request would.
 */
@Component
class TrafficGenerator implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TrafficGenerator.class);
    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen"};
    private static final String[] PLANS = {"free", "starter", "pro", "enterprise"};
    private static final String[] STATUSES = {"active", "active", "active", "past_due", "canceled"};

    private final CustomerService customers;
    private final boolean enabledAtStart;
    private final int customerIds;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sample-traffic");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, AtomicLong> operations = Map.of(
            "writes",
            new AtomicLong(),
            "reads",
            new AtomicLong(),
            "deletes",
            new AtomicLong(),
            "failures",
            new AtomicLong());
    private volatile int rate;
    private ScheduledFuture<?> running;

    TrafficGenerator(
            CustomerService customers,
            @Value("${sample.traffic.enabled:false}") boolean enabledAtStart,
            @Value("${sample.traffic.rate:20}") int rate,
            @Value("${sample.traffic.customers:500}") int customerIds) {
        this.customers = customers;
        this.enabledAtStart = enabledAtStart;
        this.rate = rate;
        this.customerIds = customerIds;
    }

    /** What the generator does and has done. */
    record Status(boolean running, int ratePerSecond, Map<String, Long> operations) {}

    @EventListener(ApplicationReadyEvent.class)
    void startIfEnabled() {
        if (enabledAtStart) {
            start(rate);
        }
    }

    /** Starts (or re-paces) the traffic at {@code ratePerSecond} operations per second. */
    synchronized Status start(int ratePerSecond) {
        if (ratePerSecond < 1 || ratePerSecond > 10_000) {
            throw new IllegalArgumentException(
                    "rate must be 1 to 10000 operations per second, but was " + ratePerSecond);
        }
        stop();
        rate = ratePerSecond;
        running = scheduler.scheduleAtFixedRate(this::operate, 0, 1_000_000L / ratePerSecond, TimeUnit.MICROSECONDS);
        log.info("Traffic generator running at {} operations per second", ratePerSecond);
        return status();
    }

    synchronized Status stop() {
        if (running != null) {
            running.cancel(false);
            running = null;
            log.info("Traffic generator stopped");
        }
        return status();
    }

    synchronized Status status() {
        return new Status(
                running != null,
                rate,
                Map.of(
                        "writes", operations.get("writes").get(),
                        "reads", operations.get("reads").get(),
                        "deletes", operations.get("deletes").get(),
                        "failures", operations.get("failures").get()));
    }

    private void operate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long id = 1 + random.nextInt(customerIds);
        try {
            int dice = random.nextInt(10);
            if (dice < 4) {
                customers.save(
                        id,
                        FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)],
                        "customer" + id + "@example.com",
                        PLANS[random.nextInt(PLANS.length)],
                        STATUSES[random.nextInt(STATUSES.length)],
                        LocalDate.of(2027, 1, 1).plusDays(random.nextInt(365)));
                operations.get("writes").incrementAndGet();
            } else if (dice < 9) {
                customers.find(id);
                operations.get("reads").incrementAndGet();
            } else {
                customers.delete(id);
                operations.get("deletes").incrementAndGet();
            }
        } catch (RuntimeException e) {
            operations.get("failures").incrementAndGet();
            log.warn("Traffic generator operation on customer {} failed: {}", id, e.toString());
        }
    }

    @Override
    public void destroy() {
        stop();
        scheduler.shutdownNow();
    }
}
