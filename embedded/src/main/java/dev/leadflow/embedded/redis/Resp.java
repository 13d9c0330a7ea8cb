package dev.leadflow.embedded.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of the Redis protocol to ping and flush a server. The testkit speaks RESP itself so that
 * it does not depend on a Redis client library (and its version) that the module under test chooses.
 */
public final class Resp {

    private Resp() {
    }

    /**
     * Sends one command (after AUTH when a password is given) and returns the first line of its reply,
     * e.g. {@code +PONG}, {@code +OK} or {@code -LOADING ...}.
     */
    public static String call(String host, int port, String password, Duration timeout, String... command)
            throws IOException {
        int millis = Math.toIntExact(timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (password != null) {
                out.write(encode("AUTH", password));
                out.flush();
                String auth = readLine(in);
                if (!auth.startsWith("+")) {
                    throw new IOException("AUTH refused: " + auth);
                }
            }
            out.write(encode(command));
            out.flush();
            return readLine(in);
        }
    }

    /**
     * Sends one command (after AUTH when a password is given) and returns its whole reply: a String for
     * simple strings, bulk strings and errors (errors keep their leading {@code -}), a Long for integers,
     * a List for arrays, null for a null bulk string or array.
     */
    public static Object query(String host, int port, String password, Duration timeout, String... command)
            throws IOException {
        int millis = Math.toIntExact(timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (password != null) {
                out.write(encode("AUTH", password));
                out.flush();
                String auth = readLine(in);
                if (!auth.startsWith("+")) {
                    throw new IOException("AUTH refused: " + auth);
                }
            }
            out.write(encode(command));
            out.flush();
            return readReply(in);
        }
    }

    private static Object readReply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.isEmpty()) {
            throw new IOException("empty reply line");
        }
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case '+':
                return rest;
            case '-':
                return line;
            case ':':
                return Long.parseLong(rest);
            case '$': {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                if (bytes.length != length + 2) {
                    throw new IOException("connection closed inside a bulk string");
                }
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(rest);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(readReply(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply: " + line);
        }
    }

    private static byte[] encode(String... parts) {
        StringBuilder sb = new StringBuilder().append('*').append(parts.length).append("\r\n");
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b != -1; b = in.read()) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
        throw new IOException("connection closed before a full reply");
    }
}
