package dev.leadflow.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks, before anything starts, that every port asked for is free, and says which flag moves it. */
public final class Ports {

    private Ports() {}

    /** @param portsByFlag flag name (without dashes) to port */
    public static void requireFree(Map<String, Integer> portsByFlag) {
        Map<Integer, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : portsByFlag.entrySet()) {
            String other = seen.putIfAbsent(e.getValue(), e.getKey());
            if (other != null) {
                throw new Flags.UsageException("--" + other + " and --" + e.getKey() + " both ask for port "
                        + e.getValue() + "; give one of them another port");
            }
            if (!isFree(e.getValue())) {
                throw new Flags.UsageException("port " + e.getValue() + " is already in use (by another program or an"
                        + " earlier demo); start with --" + e.getKey() + " <another port>");
            }
        }
    }

    public static boolean isFree(int port) {
        for (String host : new String[] {"127.0.0.1", "0.0.0.0"}) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** A port that is free right now (for tests and for internal endpoints). */
    public static int anyFree() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port", e);
        }
    }
}
