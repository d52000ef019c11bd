/*
 * Starts an embedded Neo4j Community DBMS for Revenant's development and CI: Bolt on
 * 127.0.0.1 only, auth disabled, HTTP/HTTPS off, small page cache and transaction memory
 * limits for a 2-core machine, a caller-supplied (fresh) data directory. Prints exactly one
 * line on stdout, "READY bolt://127.0.0.1:<port>", once a Bolt handshake succeeds; everything
 * else goes to <data-dir>/launcher.log (Neo4j's own debug.log is in <data-dir>/logs/).
 * On failure it prints one "FAILED <reason>" line on stderr and exits with status 1.
 * SIGTERM/SIGINT shut the DBMS down cleanly through a JVM shutdown hook.
 *
 * Usage: java -jar neo4j-launcher.jar <data-dir> [port]
 *   data-dir  also from env NEO4J_DATA_DIR
 *   port      also from env NEO4J_BOLT_PORT; default 7687; 0 picks a free port
 * Memory (env, Neo4j byte syntax such as 128m or 1g):
 *   NEO4J_PAGECACHE (128m), NEO4J_TX_TOTAL_MAX (384m), NEO4J_TX_MAX (256m)
 */
package dev.revenant.neo4j;

import java.io.DataInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public final class Launcher {
    private static final String HOST = "127.0.0.1";
    private static final int DEFAULT_PORT = 7687;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private static volatile DatabaseManagementService service;
    private static final CountDownLatch stopped = new CountDownLatch(1);

    private Launcher() {}

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        try {
            String dataDirArg = arg(args, 0, "NEO4J_DATA_DIR", null);
            if (dataDirArg == null || dataDirArg.isBlank()) {
                fail(stderr, "usage: java -jar neo4j-launcher.jar <data-dir> [port] (or env NEO4J_DATA_DIR, NEO4J_BOLT_PORT)");
                return;
            }
            int port = parsePort(arg(args, 1, "NEO4J_BOLT_PORT", String.valueOf(DEFAULT_PORT)));
            Path dataDir = Path.of(dataDirArg).toAbsolutePath().normalize();
            Files.createDirectories(dataDir);

            // From here on, nothing but the READY line reaches the real stdout.
            OutputStream logFile = new FileOutputStream(dataDir.resolve("launcher.log").toFile(), true);
            PrintStream log = new PrintStream(logFile, true, StandardCharsets.UTF_8);
            System.setOut(log);
            System.setErr(log);
            log.printf("%s launcher: starting Neo4j in %s, bolt %s:%d%n", Instant.now(), dataDir, HOST, port);

            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                DatabaseManagementService s = service;
                if (s != null) {
                    log.printf("%s launcher: shutting down%n", Instant.now());
                    try {
                        s.shutdown();
                        log.printf("%s launcher: shut down cleanly%n", Instant.now());
                    } catch (Throwable t) {
                        t.printStackTrace(log);
                    }
                }
                stopped.countDown();
            }, "revenant-neo4j-shutdown"));

            service = new DatabaseManagementServiceBuilder(dataDir)
                    .setUserLogProvider(new Log4jLogProvider(logFile, Level.INFO))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, bytes("NEO4J_PAGECACHE", "128m"))
                    .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, bytes("NEO4J_TX_TOTAL_MAX", "384m"))
                    .setConfig(GraphDatabaseSettings.memory_transaction_max_size, bytes("NEO4J_TX_MAX", "256m"))
                    // Throw-away databases: no preallocated 256 MiB transaction logs per database.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(64))
                    // Netty's graceful shutdown waits a 5 s quiet period per event loop group
                    // (two groups, ~10 s); nothing here needs it, so `stop` takes well under 1 s.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                    .build();

            GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            if (!db.isAvailable(READY_TIMEOUT.toMillis())) {
                throw new IllegalStateException("database '" + GraphDatabaseSettings.DEFAULT_DATABASE_NAME
                        + "' not available after " + READY_TIMEOUT.toSeconds() + " s");
            }
            int boundPort = boundBoltPort(db);
            waitForBoltHandshake(boundPort, deadline);

            String uri = "bolt://" + HOST + ":" + boundPort;
            log.printf("%s launcher: READY %s%n", Instant.now(), uri);
            stdout.println("READY " + uri);
            stdout.flush();

            stopped.await();
        } catch (Throwable t) {
            t.printStackTrace(System.err); // the log file once redirected
            DatabaseManagementService s = service;
            service = null;
            if (s != null) {
                try {
                    s.shutdown();
                } catch (Throwable ignored) {
                    // already failing; the first error is the one to report
                }
            }
            fail(stderr, String.valueOf(t.getMessage() != null ? t.getMessage() : t));
        }
    }

    private static String arg(String[] args, int index, String env, String fallback) {
        if (args.length > index && !args[index].isBlank()) {
            return args[index];
        }
        String fromEnv = System.getenv(env);
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : fallback;
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be an integer in 0..65535, got '" + text + "'");
        }
    }

    private static long bytes(String env, String fallback) {
        String text = System.getenv(env);
        String value = text != null && !text.isBlank() ? text.trim() : fallback;
        try {
            return ByteUnit.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(env + " must be a byte size such as 128m, got '" + value + "'");
        }
    }

    /** The port Bolt actually bound (differs from the configured one when that was 0). */
    private static int boundBoltPort(GraphDatabaseService db) {
        ConnectorPortRegister ports = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class);
        HostnamePort address = ports.getLocalAddress(ConnectorType.BOLT);
        if (address == null) {
            throw new IllegalStateException("Bolt connector did not register a listening address");
        }
        return address.getPort();
    }

    /** Opens a TCP connection and performs the Bolt version handshake until it succeeds. */
    private static void waitForBoltHandshake(int port, long deadlineNanos) throws InterruptedException {
        IOException last = null;
        while (System.nanoTime() < deadlineNanos) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 2000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(new byte[] {
                    (byte) 0x60, (byte) 0x60, (byte) 0xB0, (byte) 0x17, // Bolt magic preamble
                    0, 4, 4, 5, // 5.4 .. 5.0
                    0, 0, 4, 4, // 4.4
                    0, 0, 0, 0,
                    0, 0, 0, 0,
                });
                out.flush();
                int agreed = new DataInputStream(socket.getInputStream()).readInt();
                if (agreed != 0) {
                    return;
                }
                last = new IOException("server agreed to no Bolt version");
            } catch (IOException e) {
                last = e;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("Bolt on " + HOST + ":" + port + " did not complete a handshake: " + last);
    }

    private static void fail(PrintStream stderr, String message) {
        stderr.println("FAILED " + message.replace('\n', ' '));
        stderr.flush();
        System.exit(1);
    }
}
