package dbwire;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.CacheConfiguration;

/**
 * The test control endpoint of the launcher (HTTP on 127.0.0.1 only, no auth: a test-only server):
 *
 * <pre>
 *   GET  /nodes                          [{"index":0,"thinPort":10810,"id":"…","running":true},…]
 *   POST /nodes/{i}/stop                 stops node i (cancel=true), waits until the others see it gone
 *   POST /nodes/{i}/start                starts node i again (new node id), waits for the full topology
 *                                        (both also wait for rebalancing and a settled affinity version)
 *   POST /caches/{name}?backups=N        creates a PARTITIONED cache (default affinity) unless it exists
 *   GET  /primary?cache=C&type=T&key=K   {"nodeId":…,"thinPort":…,"partition":…}: Ignite's affinity for
 *                                        a key of type string|int|long|uuid|double|boolean
 *   GET  /primary-values?cache=C         {"<nodeId>":[value,…],…}: the values of each node's PRIMARY
 *                                        entries (localEntries), whatever the key type
 *   GET  /primary-partitions?cache=C     {"<nodeId>":[partition,…],…}
 * </pre>
 *
 * Stop and start are serialised; everything else runs on any live node.
 */
final class ControlServer {
  private final IgniteLauncher.Nodes nodes;

  ControlServer(IgniteLauncher.Nodes nodes) {
    this.nodes = nodes;
  }

  void start(int port) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    http.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "dbwire-control");
      t.setDaemon(true);
      return t;
    }));
    http.createContext("/", this::handle);
    http.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    int status = 200;
    String body;
    try {
      String path = ex.getRequestURI().getPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String method = ex.getRequestMethod();
      if (path.equals("/nodes") && method.equals("GET")) body = nodes.describe();
      else if (path.matches("/nodes/\\d+/(stop|start)") && method.equals("POST")) {
        String[] parts = path.split("/");
        int index = Integer.parseInt(parts[2]);
        body = parts[3].equals("stop") ? nodes.stop(index) : nodes.start(index);
      } else if (path.matches("/caches/[^/]+") && method.equals("POST")) body = createCache(path.substring(8), q);
      else if (path.equals("/primary") && method.equals("GET")) body = primary(q);
      else if (path.equals("/primary-values") && method.equals("GET")) body = primaryValues(required(q, "cache"));
      else if (path.equals("/primary-partitions") && method.equals("GET")) body = primaryPartitions(required(q, "cache"));
      else {
        status = 404;
        body = "{\"error\":\"no such endpoint: " + method + " " + path + "\"}";
      }
    } catch (IllegalArgumentException e) {
      status = 400;
      body = "{\"error\":" + IgniteLauncher.json(String.valueOf(e.getMessage())) + "}";
    } catch (Exception e) {
      status = 500;
      body = "{\"error\":" + IgniteLauncher.json(e.toString()) + "}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String createCache(String name, Map<String, String> q) {
    CacheConfiguration<Object, Object> cfg = new CacheConfiguration<>(name);
    cfg.setCacheMode(CacheMode.PARTITIONED);
    cfg.setBackups(Integer.parseInt(q.getOrDefault("backups", "1")));
    nodes.any().getOrCreateCache(cfg);
    return "{\"cache\":" + IgniteLauncher.json(name) + "}";
  }

  private String primary(Map<String, String> q) {
    String cache = required(q, "cache");
    Object key = parseKey(required(q, "type"), required(q, "key"));
    Ignite any = nodes.any();
    if (!any.cacheNames().contains(cache)) throw new IllegalArgumentException("no cache " + cache);
    Affinity<Object> aff = any.affinity(cache);
    ClusterNode node = aff.mapKeyToNode(key);
    if (node == null) throw new IllegalStateException("no primary node for the key in " + cache);
    return "{\"nodeId\":\"" + node.id() + "\",\"thinPort\":" + nodes.thinPortOf(node.id()) + ",\"partition\":"
        + aff.partition(key) + "}";
  }

  private static Object parseKey(String type, String key) {
    switch (type) {
      case "string": return key;
      case "int": return Integer.parseInt(key);
      case "long": return Long.parseLong(key);
      case "uuid": return UUID.fromString(key);
      case "double": return Double.parseDouble(key);
      case "boolean": return Boolean.parseBoolean(key);
      default: throw new IllegalArgumentException("unknown key type " + type + " (string|int|long|uuid|double|boolean)");
    }
  }

  private String primaryValues(String cache) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Ignite node : nodes.running()) {
      IgniteCache<Object, Object> c = node.cache(cache);
      if (c == null) throw new IllegalArgumentException("no cache " + cache);
      if (!first) sb.append(',');
      first = false;
      sb.append('"').append(node.cluster().localNode().id()).append("\":[");
      boolean firstValue = true;
      for (Cache.Entry<Object, Object> e : c.withKeepBinary().localEntries(CachePeekMode.PRIMARY)) {
        if (!firstValue) sb.append(',');
        firstValue = false;
        Object v = e.getValue();
        sb.append(v instanceof Number ? v.toString() : IgniteLauncher.json(String.valueOf(v)));
      }
      sb.append(']');
    }
    return sb.append('}').toString();
  }

  private String primaryPartitions(String cache) {
    Ignite any = nodes.any();
    if (!any.cacheNames().contains(cache)) throw new IllegalArgumentException("no cache " + cache);
    Affinity<Object> aff = any.affinity(cache);
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Ignite node : nodes.running()) {
      ClusterNode local = node.cluster().localNode();
      if (!first) sb.append(',');
      first = false;
      sb.append('"').append(local.id()).append("\":[");
      int[] parts = aff.primaryPartitions(local);
      for (int i = 0; i < parts.length; i++) sb.append(i > 0 ? "," : "").append(parts[i]);
      sb.append(']');
    }
    return sb.append('}').toString();
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null) throw new IllegalArgumentException("missing query parameter " + name);
    return v;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }
}
