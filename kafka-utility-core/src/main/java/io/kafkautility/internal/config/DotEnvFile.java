package io.kafkautility.internal.config;

import io.kafkautility.config.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads a {@code .env} file. Error messages name line numbers, never values. */
public final class DotEnvFile {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private DotEnvFile() {
    }

    public static Map<String, String> read(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + file + ": " + e.getClass().getSimpleName(), e);
        }
        return parse(lines, file.toString());
    }

    public static Map<String, String> parse(List<String> lines, String name) {
        Map<String, String> vars = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                problems.add(name + " line " + (i + 1) + ": expected KEY=VALUE");
                continue;
            }
            String key = line.substring(0, eq).strip();
            if (!KEY.matcher(key).matches()) {
                problems.add(name + " line " + (i + 1) + ": invalid variable name");
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            } else {
                int hash = value.indexOf(" #");
                if (hash >= 0) {
                    value = value.substring(0, hash).strip();
                }
            }
            vars.put(key, value);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return vars;
    }
}
