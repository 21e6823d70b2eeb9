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
import org.apache.ignite.IgniteCache;
import org.apache.ignite.Ignition;
import org.apache.ignite.internal.IgniteEx;
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
 *   [controlPort=10819]
 *   [auth=true] [users=name:password,...]
 *   [sslKeyStore=server.p12 sslTrustStore=trust.p12 sslPassword=... sslClientAuth=true
 *    clientKeyStore=client.p12]
 * </pre>
 *
 * Node i takes thinPort+i, discoveryPort+i and commPort+i (no port ranges, so a busy port fails loudly).
 * Once all nodes see each other (and, with auth, the cluster is active and the extra users exist), the
 * launcher writes readyFile: a JSON object with the thin port → node id map of the running nodes, the
 * indexes stopped on purpose and the control port. The test tooling still probes every thin port with a
 * real handshake; the file only proves the topology is complete. With controlPort, a loopback HTTP
 * endpoint (ControlServer) stops and restarts single nodes and answers which node is primary for a key.
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

    Nodes cluster = new Nodes(args, nodes, thinPort, discoveryPort, commPort, work, auth, readyFile);
    for (int i = 0; i < nodes; i++) cluster.startNode(i);
    Ignite first = cluster.any();
    cluster.awaitServers(nodes);
    if (auth) {
      // A persistent cluster starts inactive; the first activation also fixes the baseline.
      first.cluster().state(ClusterState.ACTIVE);
      createUsers(args, thinPort);
    }
    if (args.containsKey("controlPort")) new ControlServer(cluster).start(Integer.parseInt(args.get("controlPort")));
    String json = cluster.writeReadyFile();
    System.out.println("DBWIRE-IGNITE-READY " + json);
    System.out.flush();

    // The shutdown hook stops the nodes on SIGTERM; keep the main thread parked until then.
    Thread.currentThread().join();
  }

  /**
   * The nodes of this JVM by index, with what it takes to stop one and start it again (same ports,
   * same consistent id, a new node id). The ready file lists the running nodes' ids by thin port and
   * the indexes stopped on purpose, so the tooling can tell a node stopped by a test from a dead one.
   */
  static final class Nodes {
    private final Map<String, String> args;
    private final int count, thinPort, discoveryPort, commPort;
    private final Path work, readyFile;
    private final boolean auth;
    private final Ignite[] nodes;

    Nodes(Map<String, String> args, int count, int thinPort, int discoveryPort, int commPort, Path work, boolean auth, Path readyFile) {
      this.args = args;
      this.count = count;
      this.thinPort = thinPort;
      this.discoveryPort = discoveryPort;
      this.commPort = commPort;
      this.work = work;
      this.auth = auth;
      this.readyFile = readyFile;
      this.nodes = new Ignite[count];
    }

    synchronized void startNode(int i) throws IOException {
      nodes[i] = Ignition.start(nodeConfig(args, i, count, thinPort, discoveryPort, commPort, work, auth));
    }

    synchronized List<Ignite> running() {
      List<Ignite> out = new ArrayList<>();
      for (Ignite n : nodes) if (n != null) out.add(n);
      return out;
    }

    Ignite any() {
      List<Ignite> r = running();
      if (r.isEmpty()) throw new IllegalStateException("no node is running");
      return r.get(0);
    }

    int thinPortOf(java.util.UUID id) {
      synchronized (this) {
        for (int i = 0; i < count; i++) if (nodes[i] != null && nodes[i].cluster().localNode().id().equals(id)) return thinPort + i;
      }
      return -1;
    }

    void awaitServers(int n) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 120_000;
      for (;;) {
        boolean ok = true;
        for (Ignite node : running()) if (node.cluster().forServers().nodes().size() != n) ok = false;
        if (ok) return;
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("topology never reached " + n + " servers");
        Thread.sleep(100);
      }
    }

    String stop(int i) throws Exception {
      Ignite node;
      synchronized (this) {
        check(i);
        if (nodes[i] == null) throw new IllegalArgumentException("node " + i + " is not running");
        node = nodes[i];
        nodes[i] = null;
      }
      // Announce the stop before it happens: a readiness probe in between must not take the closed
      // port for a dead server (the tooling would restart the whole JVM).
      writeReadyFile();
      Ignition.stop(node.name(), true);
      awaitServers(running().size());
      awaitStable();
      writeReadyFile();
      return describe();
    }

    /**
     * Waits until the topology change has settled: every cache rebalanced on every node, then the same
     * affinity topology version (late affinity assignment switches it once rebalancing is over) on all
     * nodes for a second. Tests compare the client's routing with Ignite's affinity only after this.
     */
    void awaitStable() throws Exception {
      for (Ignite n : running()) {
        for (String c : n.cacheNames()) {
          IgniteCache<Object, Object> cache = n.cache(c);
          if (cache != null) cache.rebalance().get(60_000);
        }
      }
      long deadline = System.currentTimeMillis() + 60_000;
      String last = null;
      long since = System.currentTimeMillis();
      while (System.currentTimeMillis() < deadline) {
        java.util.Set<String> versions = new java.util.HashSet<>();
        for (Ignite n : running()) {
          versions.add(String.valueOf(((IgniteEx) n).context().cache().context().exchange().readyAffinityVersion()));
        }
        String v = versions.size() == 1 ? versions.iterator().next() : null;
        if (v == null || !v.equals(last)) {
          last = v;
          since = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - since >= 1000) {
          return;
        }
        Thread.sleep(100);
      }
    }

    String start(int i) throws Exception {
      synchronized (this) {
        check(i);
        if (nodes[i] != null) throw new IllegalArgumentException("node " + i + " is running");
        startNode(i);
      }
      awaitServers(running().size());
      awaitStable();
      writeReadyFile();
      return describe();
    }

    private void check(int i) {
      if (i < 0 || i >= count) throw new IllegalArgumentException("no node " + i + " (0.." + (count - 1) + ")");
    }

    synchronized String describe() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < count; i++) {
        if (i > 0) sb.append(',');
        sb.append("{\"index\":").append(i).append(",\"thinPort\":").append(thinPort + i).append(",\"running\":").append(nodes[i] != null);
        if (nodes[i] != null) sb.append(",\"id\":\"").append(nodes[i].cluster().localNode().id()).append('"');
        sb.append('}');
      }
      return sb.append(']').toString();
    }

    synchronized String writeReadyFile() throws IOException {
      StringBuilder json = new StringBuilder("{\"nodes\":{");
      StringBuilder stopped = new StringBuilder("[");
      boolean first = true;
      for (int i = 0; i < count; i++) {
        if (nodes[i] == null) {
          stopped.append(stopped.length() > 1 ? "," : "").append(i);
          continue;
        }
        if (!first) json.append(',');
        first = false;
        json.append('"').append(thinPort + i).append("\":\"").append(nodes[i].cluster().localNode().id()).append('"');
      }
      json.append("},\"stopped\":").append(stopped).append(']');
      if (args.containsKey("controlPort")) json.append(",\"controlPort\":").append(args.get("controlPort"));
      json.append(",\"version\":\"").append(any().version()).append("\"}");
      Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
      Files.writeString(tmp, json.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return json.toString();
    }
  }

  /** A JSON string literal. */
  static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
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
