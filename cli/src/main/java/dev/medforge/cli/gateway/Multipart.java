package dev.medforge.cli.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * A {@code multipart/form-data} body streamed from files: nothing is held in memory, and the exact
 * length is known up front, so the request carries a Content-Length and progress has a total.
 */
final class Multipart {

    /** Bytes of framing, then the file that follows them (none after the closing boundary). */
    private record Piece(byte[] framing, Path file) {
    }

    private final String boundary = "medforge-" + UUID.randomUUID();
    private final List<Piece> pieces = new ArrayList<>();

    Multipart file(String name, Path file, String contentType) {
        String fileName = file.getFileName().toString().replace("\"", "%22").replace("\r", "").replace("\n", "");
        String head = (pieces.isEmpty() ? "" : "\r\n") + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n\r\n";
        pieces.add(new Piece(head.getBytes(StandardCharsets.UTF_8), file));
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    BodyPublisher publisher(UploadProgress progress) throws IOException {
        List<Piece> all = new ArrayList<>(pieces);
        all.add(new Piece(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII), null));
        long length = 0;
        for (Piece piece : all) {
            length += piece.framing().length + (piece.file() == null ? 0 : Files.size(piece.file()));
        }
        long total = length;
        return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> progress.track(stream(all), total)), total);
    }

    /** Each file is opened only when the sequence reaches it. */
    private static InputStream stream(List<Piece> all) {
        Iterator<InputStream> sources = all.stream().<InputStream>mapMulti((piece, out) -> {
            out.accept(new ByteArrayInputStream(piece.framing()));
            if (piece.file() != null) {
                out.accept(new LazyFileStream(piece.file()));
            }
        }).iterator();
        return new SequenceInputStream(new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return sources.hasNext();
            }

            @Override
            public InputStream nextElement() {
                return sources.next();
            }
        });
    }

    private static final class LazyFileStream extends InputStream {
        private final Path file;
        private InputStream in;

        LazyFileStream(Path file) {
            this.file = file;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = Files.newInputStream(file);
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return in().read(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
