package io.dualwrite.sample;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.drill.MigrationDrill;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

// A database of its own: the drill deletes every row of both stores before each walk.
@SpringBootTest(properties = "spring.datasource.url=jdbc:h2:mem:name-split-drill;DB_CLOSE_DELAY=-1")
class NameSplitDrillTest {

    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Mary Ann", "Jean", "José"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "de la Cruz", "O'Brien"};

    @Autowired
    Migration<Long, Customer, CustomerName> nameSplit; // the application's own migration bean

    @Test
    void theNameSplitLosesNothingOnAnyMoveForwardOrBack() {
        MigrationDrill.walk(nameSplit, random -> {
            String first = pick(FIRST, random);
            String last = pick(LAST, random);
            String email = random.nextInt(5) == 0 // some customers have no email
                    ? null
                    : (first + "." + last).toLowerCase(Locale.ROOT).replace(' ', '-') + random.nextInt(100)
                            + "@example.com";
            // A few dozen keys, so that writes and deletes meet.
            return new Customer(random.nextLong(1, 31), first + " " + last, email);
        });
    }

    private static String pick(String[] values, SplittableRandom random) {
        return values[random.nextInt(values.length)];
    }
}
