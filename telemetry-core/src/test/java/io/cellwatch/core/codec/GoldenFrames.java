package io.cellwatch.core.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The golden frames of rig protocol v1: hand-written hex files in {@code src/test/resources/golden/} of
 * telemetry-core, shared with the other modules through the test-jar. See {@code golden/README.md} there.
 *
 * <p>File format: hex bytes separated by whitespace; {@code #} starts a comment that runs to the end of the line.
 * The first line says what the file is, machine-readably:
 * <ul>
 *   <li>{@code # valid: HELLO} for a valid frame ({@code <message>.hex} and {@code compat-*.hex}):
 *       {@link FrameValidator#check} returns the file length;</li>
 *   <li>{@code # expect: MALFORMED_FRAME} for a frame that must be rejected ({@code reject-<reason>.hex}):
 *       {@link FrameValidator#check} with {@link FrameDescriptor#DEFAULT_MAX_FRAME_LENGTH} returns exactly the
 *       negated code of that {@link ErrorCode}; see {@link #expectedError}.</li>
 * </ul>
 *
 * <p>Names are file names relative to {@code golden/} without the {@code .hex} suffix, e.g.
 * {@code "reject-length-exceeds-max"}; {@link #load} also accepts them with the suffix. All files are read once,
 * from the same classpath root as this class, so another module's own {@code golden/} folder cannot shadow them.
 */
public final class GoldenFrames {
    /** Prefix of the files of frames that must be rejected. */
    public static final String REJECT_PREFIX = "reject-";
    /** Prefix of the valid frames from a newer peer. */
    public static final String COMPAT_PREFIX = "compat-";

    private static final String DIRECTORY = "golden/";
    private static final String SUFFIX = ".hex";
    private static final String EXPECT_MARKER = "# expect:";
    private static final String VALID_MARKER = "# valid:";

    /** File text by name (relative to golden/, without .hex), sorted by name. */
    private static final Map<String, String> TEXTS = Collections.unmodifiableMap(readAll());

    private GoldenFrames() {
    }

    /** The bytes of one golden file, e.g. {@code load("hello")} or {@code load("records/samples-record.hex")}. */
    public static byte[] load(final String name) {
        return parseHex(text(name));
    }

    /** Names of every reject file, sorted, e.g. {@code reject-length-exceeds-max}. */
    public static List<String> rejectNames() {
        return names(true);
    }

    /** Names of every valid frame file, sorted: one per message type plus the {@code compat-*} frames. */
    public static List<String> validNames() {
        return names(false);
    }

    /** Every golden frame, valid ones first, then the rejects: the seeds of the fuzz tests. */
    public static List<byte[]> loadAll() {
        final List<byte[]> all = new java.util.ArrayList<>();
        for (String name : validNames()) {
            all.add(load(name));
        }
        for (String name : rejectNames()) {
            all.add(load(name));
        }
        return all;
    }

    /** The error code a reject file must produce, from its {@code # expect:} line. */
    public static ErrorCode expectedError(final String name) {
        final String value = header(name, EXPECT_MARKER);
        try {
            return ErrorCode.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("golden file " + name + " expects unknown error code " + value, e);
        }
    }

    /** The frame type name of a valid file, from its {@code # valid:} line, e.g. {@code COMMAND_ACK}. */
    public static String validType(final String name) {
        return header(name, VALID_MARKER);
    }

    /** Parses the hex file format (whitespace and {@code #} comments allowed). */
    public static byte[] parseHex(final CharSequence text) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int high = -1;
        boolean comment = false;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '\n') {
                line++;
                comment = false;
            }
            if (comment || Character.isWhitespace(c)) {
                if (high >= 0 && !comment) {
                    throw new IllegalArgumentException("odd number of hex digits before line " + line);
                }
                continue;
            }
            if (c == '#') {
                if (high >= 0) {
                    throw new IllegalArgumentException("odd number of hex digits on line " + line);
                }
                comment = true;
                continue;
            }
            final int digit = Character.digit(c, 16);
            if (digit < 0) {
                throw new IllegalArgumentException("not a hex digit: '" + c + "' on line " + line);
            }
            if (high < 0) {
                high = digit;
            } else {
                out.write(high << 4 | digit);
                high = -1;
            }
        }
        if (high >= 0) {
            throw new IllegalArgumentException("odd number of hex digits at the end");
        }
        return out.toByteArray();
    }

    private static List<String> names(final boolean rejects) {
        final List<String> names = new ArrayList<>();
        for (String name : TEXTS.keySet()) {
            if (name.indexOf('/') < 0 && name.startsWith(REJECT_PREFIX) == rejects) {
                names.add(name);
            }
        }
        return Collections.unmodifiableList(names);
    }

    private static String header(final String name, final String marker) {
        final String first = text(name).lines().findFirst().orElse("").trim();
        if (!first.startsWith(marker)) {
            throw new IllegalStateException("golden file " + name + " does not start with '" + marker + "'");
        }
        return first.substring(marker.length()).trim();
    }

    private static String text(final String name) {
        final String key = name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
        final String text = TEXTS.get(key);
        if (text == null) {
            throw new IllegalArgumentException("no golden file " + name + "; known: " + TEXTS.keySet());
        }
        return text;
    }

    private static Map<String, String> readAll() {
        final Map<String, String> texts = new TreeMap<>();
        final CodeSource source = GoldenFrames.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot locate the golden frames: no code source for " + GoldenFrames.class);
        }
        final URL location = source.getLocation();
        try {
            final Path root = Paths.get(location.toURI());
            if (Files.isDirectory(root)) {
                readDirectory(root.resolve(DIRECTORY), texts);
            } else {
                readJar(root, texts);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the golden frames from " + location, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read the golden frames from " + location, e);
        }
        if (texts.isEmpty()) {
            throw new IllegalStateException("no golden frames found under " + location);
        }
        return texts;
    }

    private static void readDirectory(final Path dir, final Map<String, String> texts) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                final String relative = dir.relativize(file).toString().replace('\\', '/');
                if (relative.endsWith(SUFFIX) && Files.isRegularFile(file)) {
                    texts.put(stripSuffix(relative), Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static void readJar(final Path jar, final Map<String, String> texts) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            final Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                final ZipEntry entry = entries.nextElement();
                final String path = entry.getName();
                if (!entry.isDirectory() && path.startsWith(DIRECTORY) && path.endsWith(SUFFIX)) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        texts.put(stripSuffix(path.substring(DIRECTORY.length())),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private static String stripSuffix(final String path) {
        return path.substring(0, path.length() - SUFFIX.length());
    }
}
