package io.kafkautility.internal.consumer;

import io.kafkautility.config.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InMemoryProcessedIds} backed by an append-only file: one line (the key, Base64) per id, written with one
 * {@code write} call so a killed process leaves whole lines (a torn last line is ignored on load). Past twice the
 * capacity the file is rewritten with the remembered keys and atomically moved into place. Thread-safe.
 */
public final class FileProcessedIds extends InMemoryProcessedIds {

    private static final Logger log = LoggerFactory.getLogger(FileProcessedIds.class);

    private final Path file;
    private FileChannel out;
    private int lines;
    private boolean failed;

    public FileProcessedIds(Path file, int capacity) {
        super(capacity);
        this.file = file.toAbsolutePath();
        try {
            if (Files.exists(this.file)) {
                for (String line : Files.readAllLines(this.file, StandardCharsets.ISO_8859_1)) {
                    try {
                        remember(new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8));
                        lines++;
                    } catch (IllegalArgumentException torn) {
                        // a line cut short by a kill: that id was not finished as far as we know
                    }
                }
            } else if (this.file.getParent() != null) {
                Files.createDirectories(this.file.getParent());
            }
            this.out = open();
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigurationException("processed ids file " + this.file + " cannot be used: " + e, e);
        }
        log.info("Processed ids from {}: {} remembered", this.file, size());
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    @Override
    protected synchronized void added(String key) {
        if (out == null) {
            return; // closed
        }
        try {
            byte[] line = (Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)) + "\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            if (++lines > 2 * capacity()) {
                compact();
            }
            failed = false;
        } catch (IOException e) {
            if (!failed) { // once per failure streak: a full disk must not flood the log
                log.warn("Processed ids file {} cannot be written ({}); ids are remembered in memory only until "
                        + "it can", file, e.toString());
            }
            failed = true;
        }
    }

    private void compact() throws IOException {
        List<String> keys = keys();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder b = new StringBuilder(keys.size() * 48);
        for (String k : keys) {
            b.append(Base64.getEncoder().encodeToString(k.getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        Files.writeString(tmp, b, StandardCharsets.ISO_8859_1);
        out.close();
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out = open();
        lines = keys.size();
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                log.debug("Closing processed ids file {}: {}", file, e.toString());
            }
            out = null;
        }
    }

    @Override
    public String toString() {
        return "FileProcessedIds{file=" + file + ", capacity=" + capacity() + ", size=" + size() + "}";
    }
}
