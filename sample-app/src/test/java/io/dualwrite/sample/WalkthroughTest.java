package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs docs/walkthrough.md as written: every {@code curl} and {@code dw} command of its shell blocks, in order,
 * against the sample app, from the first dual write to the finish. A command followed by a comment that names an
 * answer ({@code # 409 ...}, or {@code # "divergences":0} after a {@code grep -o}) must give that answer; the
 * others must succeed. The walkthrough says to repeat a move refused while evidence is still coming (a backfill or
 * verification under way, the soak): such moves are repeated until they pass, as a reader would. Only the soak is
 * shortened, from the sample's minute to a second.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:walkthrough;DB_CLOSE_DELAY=-1",
            "dualwrite.gates.read-new-soak=1s"
        })
class WalkthroughTest {

    private static final Pattern COMMAND = Pattern.compile("^(curl|dw) (.*?)\\s*(?:#(.*))?$");
    private static final Pattern GREP = Pattern.compile("\\| grep -o '([^']*)'");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    private int port;

    @Test
    void everyCommandOfTheWalkthroughDoesWhatItSays() throws Exception {
        List<Step> steps = steps(Files.readString(Path.of("../docs/walkthrough.md")));
        assertThat(steps)
                .as("the walkthrough's commands")
                .extracting(Step::text)
                .anyMatch(text -> text.contains("\"action\":\"finish\""))
                .anyMatch(text -> text.contains("/customers/1000/subscriptions"));
        for (Step step : steps) {
            run(step);
        }
        HttpResponse<String> status = new SampleHttp(port).asOperator().get("/actuator/dualwrite/subscriptions");
        assertThat(status.body()).contains("\"finished\"");
    }

    /** One command and the answer its comment names, if any. */
    record Step(String text, String method, String path, String body, boolean operator, String grep, String expected) {}

    private void run(Step step) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            HttpResponse<String> response = send(step);
            String answer = step.grep() == null ? response.body() : grep(step.grep(), response.body());
            String failure = failure(step, response, answer);
            if (failure == null) {
                return;
            }
            if (!repeatable(step, response) || System.nanoTime() > deadline) {
                throw new AssertionError(
                        "walkthrough command `" + step.text() + "`: " + failure + "\nstatus then: " + status());
            }
            Thread.sleep(200);
        }
    }

    /** What is wrong with the answer, or null when it is the one the walkthrough names. */
    private static String failure(Step step, HttpResponse<String> response, String answer) {
        String expected = step.expected();
        if (expected != null && expected.startsWith("409")) {
            return response.statusCode() == 409 && answer.contains(firstQuoted(expected))
                    ? null
                    : "expected " + expected + ", got " + response.statusCode() + " " + answer;
        }
        if (response.statusCode() >= 300) {
            return "answered " + response.statusCode() + " " + response.body();
        }
        if (step.grep() != null && expected != null && expected.startsWith("\"") && !expected.contains("..")) {
            return answer.contains(expected) ? null : "expected " + expected + ", got '" + answer + "'";
        }
        if (step.grep() != null && answer.isEmpty()) {
            return "nothing matched " + step.grep() + " in " + response.body();
        }
        return null;
    }

    /**
     * A move refused for evidence still to come, or a check of a count that a verification under way has not
     * settled yet: a reader repeats it, as the walkthrough says.
     */
    private static boolean repeatable(Step step, HttpResponse<String> response) {
        return response.statusCode() == 409 || step.grep() != null;
    }

    private String status() throws Exception {
        return new SampleHttp(port)
                .asOperator()
                .get("/actuator/dualwrite/subscriptions")
                .body();
    }

    private HttpResponse<String> send(Step step) throws Exception {
        SampleHttp http = step.operator() ? new SampleHttp(port).asOperator() : new SampleHttp(port);
        return switch (step.method()) {
            case "GET" -> http.get(step.path());
            case "POST" -> http.post(step.path(), step.body() == null ? "" : step.body());
            case "PUT" -> http.put(step.path(), step.body());
            case "DELETE" -> http.delete(step.path());
            default -> throw new IllegalStateException("method " + step.method() + " in `" + step.text() + "`");
        };
    }

    /** What {@code grep -o} prints first: its basic regular expressions take braces literally. */
    private static String grep(String regex, String body) {
        Matcher matcher =
                Pattern.compile(regex.replace("{", "\\{").replace("}", "\\}")).matcher(body);
        return matcher.find() ? matcher.group() : "";
    }

    private static String firstQuoted(String text) {
        Matcher matcher = Pattern.compile("\"([^\"]+)\"").matcher(text);
        return matcher.find() ? matcher.group(1) : "";
    }

    /** The {@code curl} and {@code dw} commands of the shell blocks, each with the comment on its line or the next. */
    static List<Step> steps(String markdown) {
        List<Step> steps = new ArrayList<>();
        boolean inShell = false;
        String[] lines = markdown.replace("\\\n", " ").split("\n"); // continuation lines joined
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("```")) {
                inShell = !inShell && line.equals("```bash");
                continue;
            }
            Matcher command = COMMAND.matcher(line);
            if (!inShell || !command.matches() || line.startsWith("alias")) {
                continue;
            }
            String comment = command.group(3);
            if (comment == null && i + 1 < lines.length && lines[i + 1].strip().startsWith("# 409")) {
                comment = lines[i + 1].strip().substring(1);
            }
            steps.add(step(line, command.group(1).equals("dw"), command.group(2), comment));
        }
        return steps;
    }

    private static Step step(String text, boolean operator, String arguments, String comment) {
        String grep = null;
        Matcher pipe = GREP.matcher(arguments);
        if (pipe.find()) {
            grep = pipe.group(1);
            arguments = arguments.substring(0, pipe.start()).strip();
        }
        String method = "GET";
        Matcher explicit = Pattern.compile("-X (\\w+)").matcher(arguments);
        if (explicit.find()) {
            method = explicit.group(1);
        }
        String body = null;
        Matcher data = Pattern.compile("-d '([^']*)'").matcher(arguments);
        if (data.find()) {
            body = data.group(1);
        }
        Matcher url = Pattern.compile("localhost:8080(\\S*)").matcher(arguments);
        if (!url.find()) {
            throw new IllegalStateException("no URL in walkthrough command `" + text + "`");
        }
        String expected = comment == null ? null : comment.strip();
        return new Step(text, method, url.group(1), body, operator, grep, expected);
    }
}
