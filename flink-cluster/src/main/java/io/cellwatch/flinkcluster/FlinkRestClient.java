package io.cellwatch.flinkcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The few calls of Flink's REST API that a session cluster needs (the API {@code flink run} and the web UI use):
 * {@code GET /overview}, {@code POST /jars/upload}, {@code POST /jars/:id/run}, {@code GET /jobs/:id},
 * {@code PATCH /jobs/:id?mode=cancel}. JDK HttpClient over HTTP/1.1, Jackson for JSON.
 */
final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final URI base;
    private final HttpClient http;

    /**
     * @param base e.g. {@code http://127.0.0.1:8081}
     */
    FlinkRestClient(URI base) {
        this.base = Objects.requireNonNull(base, "base");
        // HTTP/1.1: Flink's REST server does not speak h2c, and the JDK client would otherwise offer an upgrade.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** Cluster overview: {@code taskmanagers}, {@code slots-total}, {@code slots-available}, {@code flink-version}. */
    JsonNode overview(Duration timeout) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/overview")).GET(), timeout, "GET /overview");
    }

    /**
     * Uploads a jar ({@code multipart/form-data}, field {@code jarfile}).
     *
     * @return the jar id the cluster gave it (the stored file's name)
     */
    String uploadJar(Path jar, Duration timeout) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new FileNotFoundException("no job jar at " + jar);
        }
        String boundary = "cellwatch-" + UUID.randomUUID();
        // Flink keeps only files whose name ends in .jar; the name is otherwise free, so keep it plain ASCII.
        String fileName = jar.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        if (!fileName.endsWith(".jar")) {
            fileName += ".jar";
        }
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofFile(jar),
                HttpRequest.BodyPublishers.ofByteArray(tail));
        JsonNode answer = send(HttpRequest.newBuilder(base.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body), timeout, "POST /jars/upload");
        String stored = answer.path("filename").asText("");
        if (!"success".equals(answer.path("status").asText()) || stored.isEmpty()) {
            throw new FlinkClusterException("POST /jars/upload did not succeed: " + answer);
        }
        // The id is the stored file's name, e.g. 2f1c..._flink-jobs-0.1.0-SNAPSHOT-job.jar
        return Path.of(stored).getFileName().toString();
    }

    /**
     * Runs an uploaded jar's main class (from its manifest) on the cluster, in the JobManager.
     *
     * @return the id of the job it submitted
     */
    String runJar(String jarId, List<String> programArgs, Duration timeout) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode args = request.putArray("programArgsList");
        programArgs.forEach(args::add);
        JsonNode answer = send(HttpRequest.newBuilder(base.resolve("/jars/" + encode(jarId) + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))),
                timeout, "POST /jars/" + jarId + "/run");
        String jobId = answer.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new FlinkClusterException("POST /jars/" + jarId + "/run returned no job id: " + answer);
        }
        return jobId;
    }

    /** The job's state, e.g. {@code RUNNING}, {@code CANCELED}, {@code FAILED}. */
    String jobState(String jobId, Duration timeout) throws IOException, InterruptedException {
        JsonNode job = send(HttpRequest.newBuilder(base.resolve("/jobs/" + encode(jobId))).GET(), timeout,
                "GET /jobs/" + jobId);
        String state = job.path("state").asText("");
        if (state.isEmpty()) {
            throw new FlinkClusterException("GET /jobs/" + jobId + " returned no state: " + job);
        }
        return state;
    }

    /** Asks the cluster to cancel a job (without a savepoint); returns when the request was accepted. */
    void cancel(String jobId, Duration timeout) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(base.resolve("/jobs/" + encode(jobId) + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()), timeout, "PATCH /jobs/" + jobId);
    }

    private JsonNode send(HttpRequest.Builder request, Duration timeout, String what)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(timeout).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        String body = response.body();
        if (response.statusCode() / 100 != 2) {
            throw new FlinkRestException(what, response.statusCode(), errors(body));
        }
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        return JSON.readTree(body);
    }

    /** Flink answers errors as {@code {"errors": ["...", ...]}}; the entries may hold whole stack traces. */
    private static String errors(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                StringBuilder text = new StringBuilder();
                for (JsonNode e : errors) {
                    text.append(text.length() == 0 ? "" : "\n").append(e.asText());
                }
                return text.toString();
            }
        } catch (IOException notJson) {
            // fall through: show the body as it is
        }
        return body;
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A REST call answered with a non-2xx status. */
    static final class FlinkRestException extends FlinkClusterException {
        private static final long serialVersionUID = 1L;
        private final int status;

        FlinkRestException(String what, int status, String errors) {
            super(what + " failed with HTTP " + status + ": " + errors);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
