package dbwire;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j 5.26 Community DBMS with only the Bolt connector (loopback), the dbwire
 * stand-in for Memgraph. Arguments are key=value:
 *
 * <pre>
 *   port=7687 home=/abs/dir readyFile=/abs/file [auth=true password=testpassword]
 * </pre>
 *
 * With auth the built-in user neo4j gets `password` (CHANGE NOT REQUIRED) before readyFile is written.
 */
public final class BoltLauncher {
  private BoltLauncher() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("expected key=value, got: " + a);
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int port = Integer.parseInt(required(args, "port"));
    Path home = Path.of(required(args, "home")).toAbsolutePath();
    Path readyFile = Path.of(required(args, "readyFile")).toAbsolutePath();
    boolean auth = Boolean.parseBoolean(args.getOrDefault("auth", "false"));
    Files.deleteIfExists(readyFile);
    Files.createDirectories(home);

    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
        .setConfig(HttpConnector.enabled, false)
        .setConfig(HttpsConnector.enabled, false)
        .setConfig(GraphDatabaseSettings.auth_enabled, auth)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(32))
        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
        .setConfig(GraphDatabaseSettings.udc_enabled, false)
        .build();
    // Data is disposable (fresh home per start): stop cleanly, but halt if that takes over 5 s.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Thread halt = new Thread(() -> {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException ignored) {
          return;
        }
        Runtime.getRuntime().halt(0);
      }, "dbwire-halt");
      halt.setDaemon(true);
      halt.start();
      dbms.shutdown();
    }, "dbwire-bolt-shutdown"));

    if (auth) {
      String password = required(args, "password");
      if (password.contains("'") || password.length() < 8) {
        throw new IllegalArgumentException("password must be at least 8 characters and contain no quote");
      }
      dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
          .executeTransactionally("ALTER USER neo4j SET PASSWORD '" + password + "' CHANGE NOT REQUIRED");
    }
    // Touch the default database so the first test query does not pay for its start.
    dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");

    String json = "{\"port\":" + port + ",\"auth\":" + auth + "}";
    Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
    Files.writeString(tmp, json, StandardCharsets.UTF_8);
    Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("DBWIRE-BOLT-READY " + json);
    System.out.flush();
    Thread.currentThread().join();
  }

  private static String required(Map<String, String> args, String key) {
    String v = args.get(key);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException("missing argument " + key + "=...");
    return v;
  }
}
