package io.dualwrite.spring.boot.jpa.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/jpa.md shows exactly the code the guide's tests run: every Java block follows a marker
 * {@code <!-- jpa-guide:path/under/guide/File.java -->} and is that file, without its package line (lines compared
 * without their indentation); every marked file exists; no Java block is left unmarked.
 */
class JpaGuideDocTest {

    private static final Path GUIDE = Path.of("../docs/jpa.md");
    private static final Path SOURCES = Path.of("src/test/java/io/dualwrite/spring/boot/jpa/guide");
    private static final Pattern BLOCK =
            Pattern.compile("(?:<!-- jpa-guide:(\\S+) -->\\n)?```java\\n(.*?)```\\n", Pattern.DOTALL);

    @Test
    void everyJavaBlockOfTheGuideIsACompiledSourceFile() throws IOException {
        String guide = Files.readString(GUIDE);
        Matcher block = BLOCK.matcher(guide);
        List<String> shown = new ArrayList<>();
        while (block.find()) {
            String file = block.group(1);
            assertThat(file)
                    .as("a Java block of docs/jpa.md without a jpa-guide marker:%n%s", block.group(2))
                    .isNotNull();
            Path source = SOURCES.resolve(file);
            assertThat(source).as("the file the marker names").exists();
            assertThat(normalize(block.group(2)))
                    .as("docs/jpa.md's block for %s", file)
                    .isEqualTo(normalize(Files.readString(source)));
            shown.add(file);
        }
        assertThat(shown)
                .as("the guide's Java blocks")
                .hasSizeGreaterThanOrEqualTo(10)
                .doesNotHaveDuplicates();
    }

    @Test
    void theGuideShowsEveryClassOfItsApplicationsButTheCopiesOfTheEntities() throws IOException {
        String guide = Files.readString(GUIDE);
        List<String> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(p -> !p.getParent().equals(SOURCES))
                    .filter(p -> p.toString().endsWith(".java"))
                    .map(p -> SOURCES.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith("twodatabases/oldunit/") && !p.startsWith("twodatabases/newunit/"))
                    .filter(p -> !p.endsWith("/ProductRepository.java") && !p.endsWith("/PriceRepository.java"))
                    .sorted()
                    .toList();
        }
        assertThat(files).isNotEmpty().allSatisfy(file -> assertThat(guide)
                .contains("<!-- jpa-guide:" + file + " -->"));
    }

    /** The code without its package line, blank lines and indentation. */
    private static String normalize(String code) {
        return code.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("package "))
                .reduce("", (a, b) -> a + b + "\n");
    }
}
