package dev.medforge.gateway.rest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of a download (RFC 9110 §14), inclusive at both ends. A client that
 * resumes a large composite after a dropped connection asks for {@code bytes=N-}; a suffix
 * {@code bytes=-N} asks for the last N bytes. Several ranges in one request are answered with the
 * whole file, as RFC 9110 allows: no client of ours asks for them, and multipart bodies would be
 * the only reason to build them.
 */
record ByteRange(long first, long last) {

    private static final Pattern ONE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** Thrown for a range that lies wholly outside the file: answered with 416. */
    static final class Unsatisfiable extends Exception {
        Unsatisfiable(String header) {
            super("range '" + header + "' lies outside the file");
        }
    }

    long length() {
        return last - first + 1;
    }

    /** Writes this range of {@code file} to {@code out}, and closes the file. */
    void copy(InputStream file, OutputStream out) throws IOException {
        try (InputStream in = file) {
            in.skipNBytes(first);
            byte[] buffer = new byte[64 * 1024];
            long left = length();
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("the file ended " + left + " bytes before the range did");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * The range a {@code Range} header asks for, or empty to send the whole file (no header, a
     * unit other than bytes, several ranges, or syntax this parser does not know: all of them may be
     * ignored under RFC 9110).
     */
    static Optional<ByteRange> parse(String header, long size) throws Unsatisfiable {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = ONE.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw new Unsatisfiable(header);
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (first >= size) {
                throw new Unsatisfiable(header);
            }
            return first > last ? Optional.empty() : Optional.of(new ByteRange(first, last));
        } catch (NumberFormatException tooLong) {
            return Optional.empty();
        }
    }
}
