package io.dualwrite.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP calls to the sample app under test, JSON in and out. */
final class SampleHttp {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;
    private final String authorization;

    SampleHttp(int port) {
        this(port, null);
    }

    private SampleHttp(int port, String authorization) {
        this.port = port;
        this.authorization = authorization;
    }

    /** The same calls, as the sample's demo operator (HTTP Basic). */
    SampleHttp asOperator() {
        return new SampleHttp(
                port,
                "Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString("operator:operator".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return send(json(path).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> put(String path, String json) throws Exception {
        return send(json(path).PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private HttpRequest.Builder json(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
