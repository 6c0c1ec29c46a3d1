package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/testing.md shows the sample's own drill test as the file holds it, from its imports on. */
class TestingGuideTest {

    @Test
    void theTestingGuideShowsTheSamplesDrillTestAsItIs() throws Exception {
        String guide = Files.readString(Path.of("../docs/testing.md"));
        String test = Files.readString(Path.of("src/test/java/io/dualwrite/sample/NameSplitDrillTest.java"));

        assertThat(guide).contains("```java\n" + test.substring(test.indexOf("import ")) + "```\n");
    }
}
