package dev.vicinity.node;

import java.sql.Connection;
import java.sql.DriverManager;

/**
 * Test helper run in a child JVM: opens the H2 file database {@code args[0]}, prints {@code open}, and
 * keeps it open until its standard input closes.
 */
public final class HoldH2File {
    private HoldH2File() {}

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "sa", "")) {
            System.out.println("open");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
