package io.cellwatch.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Key/value settings of one process, layered: built-in defaults &lt; a properties file &lt; environment variables
 * ({@code CELLWATCH_} + the key upper-cased with dots and dashes as underscores) &lt; command-line
 * {@code --key=value} flags. Typed getters fail with a {@link ConfigException} that names the key and the bad value,
 * so a process refuses to start on a bad setting instead of running with a silent default.
 */
public final class Settings {
    /** Environment variable prefix. */
    public static final String ENV_PREFIX = "CELLWATCH_";

    private final Map<String, String> values;
    private final Map<String, String> sources;

    private Settings(final Map<String, String> values, final Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /** Settings from explicit values only (tests, embedding). */
    public static Settings of(final Map<String, String> values) {
        final Map<String, String> sources = new LinkedHashMap<>();
        values.keySet().forEach(k -> sources.put(k, "code"));
        return new Settings(new LinkedHashMap<>(values), sources);
    }

    /**
     * Layers the given sources.
     *
     * @param knownKeys keys this process understands; environment variables are matched against them, and a file
     *                  or flag key outside them is an error (a typo must not be ignored)
     * @param file      properties file, or null
     * @param env       the environment (System.getenv())
     * @param flags     {@code key -> value} from the command line
     */
    public static Settings load(final Iterable<String> knownKeys, final Path file, final Map<String, String> env,
                                final Map<String, String> flags) {
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, String> sources = new LinkedHashMap<>();
        final Map<String, String> known = new TreeMap<>();
        for (String k : knownKeys) {
            known.put(k, envName(k));
        }
        if (file != null) {
            final Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                requireKnown(known, k, "config file " + file);
                values.put(k, p.getProperty(k).trim());
                sources.put(k, "file " + file);
            }
        }
        for (Map.Entry<String, String> e : known.entrySet()) {
            final String v = env.get(e.getValue());
            if (v != null) {
                values.put(e.getKey(), v.trim());
                sources.put(e.getKey(), "environment " + e.getValue());
            }
        }
        for (Map.Entry<String, String> e : flags.entrySet()) {
            requireKnown(known, e.getKey(), "command line");
            values.put(e.getKey(), e.getValue().trim());
            sources.put(e.getKey(), "command line");
        }
        return new Settings(values, sources);
    }

    private static void requireKnown(final Map<String, String> known, final String key, final String where) {
        if (!known.containsKey(key)) {
            throw new ConfigException("unknown setting '" + key + "' in " + where + "; known settings: "
                + String.join(", ", known.keySet()));
        }
    }

    /** The environment variable that sets {@code key}. */
    public static String envName(final String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    public boolean has(final String key) {
        return values.containsKey(key);
    }

    public String string(final String key, final String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    public int integer(final String key, final int defaultValue, final int min, final int max) {
        final String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        final int parsed;
        try {
            parsed = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, "an integer");
        }
        if (parsed < min || parsed > max) {
            throw bad(key, v, "an integer in [" + min + ", " + max + "]");
        }
        return parsed;
    }

    public long longValue(final String key, final long defaultValue, final long min, final long max) {
        final String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        final long parsed;
        try {
            parsed = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, "an integer");
        }
        if (parsed < min || parsed > max) {
            throw bad(key, v, "an integer in [" + min + ", " + max + "]");
        }
        return parsed;
    }

    public boolean bool(final String key, final boolean defaultValue) {
        final String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if ("true".equalsIgnoreCase(v)) {
            return true;
        }
        if ("false".equalsIgnoreCase(v)) {
            return false;
        }
        throw bad(key, v, "true or false");
    }

    private ConfigException bad(final String key, final String value, final String expected) {
        return new ConfigException("setting '" + key + "' = '" + value + "' (from " + sources.getOrDefault(key, "?")
            + ") must be " + expected);
    }

    /** Builds a ConfigException for a value that parsed but is not acceptable. */
    public ConfigException invalid(final String key, final String why) {
        return new ConfigException("setting '" + key + "' = '" + values.get(key) + "' (from "
            + sources.getOrDefault(key, "default") + ") " + why);
    }
}
