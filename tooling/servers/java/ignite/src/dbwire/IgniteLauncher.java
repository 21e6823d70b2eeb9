package dbwire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.query.SqlFieldsQuery;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.client.SslMode;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.ClientConfiguration;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.ThinClientConfiguration;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.apache.ignite.ssl.SslContextFactory;

/**
 * Starts N Apache Ignite 2.x server nodes inside this one JVM, all on loopback, for the dbwire test
 * suites. Configuration comes as key=value arguments:
 *
 * <pre>
 *   nodes=3 thinPort=10810 discoveryPort=47510 commPort=47110 work=/abs/dir readyFile=/abs/file
 *   [auth=true] [users=name:password,...]
 *   [sslKeyStore=server.p12 sslTrustStore=trust.p12 sslPassword=... sslClientAuth=true
 *    clientKeyStore=client.p12]
 * </pre>
 *
 * Node i takes thinPort+i, discoveryPort+i and commPort+i (no port ranges, so a busy port fails loudly).
 * Once all nodes see each other (and, with auth, the cluster is active and the extra users exist), the
 * launcher writes readyFile: a JSON object with the thin port → node id map. The test tooling still
 * probes every thin port with a real handshake; the file only proves the topology is complete.
 */
public final class IgniteLauncher {
  private IgniteLauncher() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("expected key=value, got: " + a);
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int nodes = Integer.parseInt(args.getOrDefault("nodes", "1"));
    int thinPort = Integer.parseInt(required(args, "thinPort"));
    int discoveryPort = Integer.parseInt(required(args, "discoveryPort"));
    int commPort = Integer.parseInt(required(args, "commPort"));
    Path work = Path.of(required(args, "work")).toAbsolutePath();
    Path readyFile = Path.of(required(args, "readyFile")).toAbsolutePath();
    boolean auth = Boolean.parseBoolean(args.getOrDefault("auth", "false"));
    Files.deleteIfExists(readyFile);
    // Our own shutdown hook (IGNITE_NO_SHUTDOWN_HOOK=true is set by the tooling): stop all nodes with
    // cancel=true and halt if that takes over 5 s. Data is disposable (fresh work dir per start), so a
    // SIGTERM must never wait for checkpoints or rebalancing.
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
      Ignition.stopAll(true);
    }, "dbwire-stop"));

    List<Ignite> started = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      started.add(Ignition.start(nodeConfig(args, i, nodes, thinPort, discoveryPort, commPort, work, auth)));
    }
    Ignite first = started.get(0);
    long deadline = System.currentTimeMillis() + 120_000;
    while (first.cluster().forServers().nodes().size() < nodes) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("topology never reached " + nodes + " servers");
      Thread.sleep(100);
    }
    if (auth) {
      // A persistent cluster starts inactive; the first activation also fixes the baseline.
      first.cluster().state(ClusterState.ACTIVE);
      createUsers(args, thinPort);
    }

    StringBuilder json = new StringBuilder("{\"nodes\":{");
    for (int i = 0; i < started.size(); i++) {
      if (i > 0) json.append(',');
      json.append('"').append(thinPort + i).append("\":\"").append(started.get(i).cluster().localNode().id()).append('"');
    }
    json.append("},\"version\":\"").append(first.version()).append("\"}");
    Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
    Files.writeString(tmp, json.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("DBWIRE-IGNITE-READY " + json);
    System.out.flush();

    // The shutdown hook stops the nodes on SIGTERM; keep the main thread parked until then.
    Thread.currentThread().join();
  }

  private static IgniteConfiguration nodeConfig(
      Map<String, String> args, int i, int nodes, int thinPort, int discoveryPort, int commPort, Path work, boolean auth)
      throws IOException {
    String name = "dbwire-" + thinPort + "-" + i;
    Path nodeWork = Files.createDirectories(work.resolve("node-" + i));

    TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder();
    ipFinder.setAddresses(List.of("127.0.0.1:" + discoveryPort + ".." + (discoveryPort + nodes - 1)));
    TcpDiscoverySpi discovery = new TcpDiscoverySpi();
    discovery.setLocalAddress("127.0.0.1");
    discovery.setLocalPort(discoveryPort + i);
    discovery.setLocalPortRange(0);
    discovery.setIpFinder(ipFinder);

    TcpCommunicationSpi communication = new TcpCommunicationSpi();
    communication.setLocalAddress("127.0.0.1");
    communication.setLocalPort(commPort + i);
    communication.setLocalPortRange(0);

    ThinClientConfiguration thin = new ThinClientConfiguration();
    thin.setMaxActiveComputeTasksPerConnection(100);
    thin.setMaxActiveTxPerConnection(100);

    ClientConnectorConfiguration connector = new ClientConnectorConfiguration();
    connector.setHost("127.0.0.1");
    connector.setPort(thinPort + i);
    connector.setPortRange(0);
    connector.setThinClientConfiguration(thin);
    if (args.containsKey("sslKeyStore")) {
      connector.setSslEnabled(true);
      connector.setUseIgniteSslContextFactory(false);
      connector.setSslClientAuth(Boolean.parseBoolean(args.getOrDefault("sslClientAuth", "true")));
      connector.setSslContextFactory(sslFactory(args));
    }

    DataRegionConfiguration region = new DataRegionConfiguration();
    region.setName("default");
    region.setInitialSize(32L << 20);
    region.setMaxSize(256L << 20);
    DataStorageConfiguration storage = new DataStorageConfiguration();
    storage.setDefaultDataRegionConfiguration(region);
    if (auth) {
      // Authentication needs a persistent region; keep WAL and checkpoint buffers small.
      region.setPersistenceEnabled(true);
      storage.setWalSegmentSize(1 << 20);
      storage.setWalSegments(4);
      storage.setMaxWalArchiveSize(16L << 20);
      region.setCheckpointPageBufferSize(16L << 20);
    }

    IgniteConfiguration cfg = new IgniteConfiguration();
    cfg.setIgniteInstanceName(name);
    cfg.setConsistentId(name);
    cfg.setLocalHost("127.0.0.1");
    cfg.setWorkDirectory(nodeWork.toString());
    cfg.setDiscoverySpi(discovery);
    cfg.setCommunicationSpi(communication);
    cfg.setClientConnectorConfiguration(connector);
    cfg.setConnectorConfiguration(null); // no legacy REST/binary connector on 11211
    cfg.setDataStorageConfiguration(storage);
    cfg.setMetricsLogFrequency(0);
    cfg.setAuthenticationEnabled(auth);
    return cfg;
  }

  private static SslContextFactory sslFactory(Map<String, String> args) {
    char[] password = required(args, "sslPassword").toCharArray();
    SslContextFactory f = new SslContextFactory();
    f.setKeyStoreFilePath(required(args, "sslKeyStore"));
    f.setKeyStoreType("PKCS12");
    f.setKeyStorePassword(password);
    f.setTrustStoreFilePath(required(args, "sslTrustStore"));
    f.setTrustStoreType("PKCS12");
    f.setTrustStorePassword(password);
    f.setProtocol("TLS");
    return f;
  }

  /** Creates extra users through the thin client (as the default superuser ignite/ignite). */
  private static void createUsers(Map<String, String> args, int thinPort) throws Exception {
    String users = args.getOrDefault("users", "");
    if (users.isEmpty()) return;
    ClientConfiguration cc = new ClientConfiguration()
        .setAddresses("127.0.0.1:" + thinPort)
        .setUserName("ignite")
        .setUserPassword("ignite");
    if (args.containsKey("sslKeyStore")) {
      String pw = required(args, "sslPassword");
      cc.setSslMode(SslMode.REQUIRED)
          .setSslProtocol(org.apache.ignite.client.SslProtocol.TLS)
          .setSslClientCertificateKeyStorePath(args.getOrDefault("clientKeyStore", required(args, "sslKeyStore")))
          .setSslClientCertificateKeyStoreType("PKCS12")
          .setSslClientCertificateKeyStorePassword(pw)
          .setSslTrustCertificateKeyStorePath(required(args, "sslTrustStore"))
          .setSslTrustCertificateKeyStoreType("PKCS12")
          .setSslTrustCertificateKeyStorePassword(pw);
    }
    try (IgniteClient client = Ignition.startClient(cc)) {
      for (String entry : Arrays.asList(users.split(","))) {
        int colon = entry.indexOf(':');
        String user = entry.substring(0, colon);
        String password = entry.substring(colon + 1);
        if (!user.matches("[A-Za-z0-9_-]+") || password.contains("'")) {
          throw new IllegalArgumentException("unsupported user name or password: " + user);
        }
        client.query(new SqlFieldsQuery("CREATE USER \"" + user + "\" WITH PASSWORD '" + password + "'")).getAll();
      }
    }
  }

  private static String required(Map<String, String> args, String key) {
    String v = args.get(key);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException("missing argument " + key + "=...");
    return v;
  }
}
