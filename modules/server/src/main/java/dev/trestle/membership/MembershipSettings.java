package dev.trestle.membership;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How this central node finds the others ({@code trestle.cluster.*}): its own remoting address, and
 * either a list of seed nodes (bare metal, VMs; none = a cluster of one, joined to itself) or
 * Kubernetes API discovery through pekko-management cluster bootstrap.
 *
 * @param host the remoting (Artery) address other nodes reach this one at
 * @param port the remoting port; 0 = any free port (only sensible for a single node)
 * @param seedNodes "host:port" of the seed nodes, in order; empty = join itself
 * @param discovery how the cluster forms
 */
public record MembershipSettings(
    String host, int port, List<SeedNode> seedNodes, Discovery discovery) {

  /** How nodes find each other. */
  public enum Discovery {
    SEED_NODES("seed-nodes"),
    KUBERNETES("kubernetes");

    private final String configName;

    Discovery(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    static Discovery parse(String text) {
      for (Discovery d : values()) {
        if (d.configName.equals(text.strip().toLowerCase(Locale.ROOT))) {
          return d;
        }
      }
      throw new IllegalArgumentException(
          "trestle.cluster.discovery = '"
              + text
              + "' is not supported; use seed-nodes or kubernetes");
    }
  }

  /** One seed node's remoting address. */
  public record SeedNode(String host, int port) {
    /** The Pekko address of the node, as remoting names it (system name "trestle"). */
    public String pekkoAddress() {
      String h = host.contains(":") ? "[" + host + "]" : host;
      return "pekko://trestle@" + h + ":" + port;
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public MembershipSettings {
    seedNodes = List.copyOf(seedNodes);
    if (host.isBlank()) {
      throw new IllegalArgumentException("trestle.cluster.host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "trestle.cluster.port = " + port + " is not a port (0-65535)");
    }
  }

  public static MembershipSettings from(Config config) {
    Config c = config.getConfig("trestle.cluster");
    return new MembershipSettings(
        c.getString("host").strip(),
        c.getInt("port"),
        seedNodes(c),
        Discovery.parse(c.getString("discovery")));
  }

  /** Whether this node forms a cluster with nobody else (no seed nodes, no discovery). */
  public boolean standalone() {
    return discovery == Discovery.SEED_NODES && seedNodes.isEmpty();
  }

  /** A HOCON list, or one string of comma-separated entries (the TRESTLE_SEED_NODES form). */
  private static List<SeedNode> seedNodes(Config c) {
    List<String> raw = new ArrayList<>();
    if (c.getValue("seed-nodes").valueType() == ConfigValueType.LIST) {
      raw.addAll(c.getStringList("seed-nodes"));
    } else {
      for (String part : c.getString("seed-nodes").split(",")) {
        raw.add(part);
      }
    }
    List<SeedNode> out = new ArrayList<>();
    for (String entry : raw) {
      if (!entry.isBlank()) {
        out.add(seedNode(entry.strip()));
      }
    }
    return out;
  }

  static SeedNode seedNode(String entry) {
    String host;
    String port;
    if (entry.startsWith("[")) {
      int close = entry.indexOf("]:");
      if (close < 0) {
        throw badSeed(entry, "an IPv6 host needs the form [ADDRESS]:PORT");
      }
      host = entry.substring(1, close);
      port = entry.substring(close + 2);
    } else {
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || entry.indexOf(':') != colon) {
        throw badSeed(entry, "expected HOST:PORT");
      }
      host = entry.substring(0, colon);
      port = entry.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw badSeed(entry, "'" + port + "' is not a port number");
    }
    if (p < 1 || p > 65535) {
      throw badSeed(entry, p + " is not a port (1-65535)");
    }
    if (host.isBlank() || host.matches(".*[\\s/@].*")) {
      throw badSeed(entry, "'" + host + "' is not a host name or address");
    }
    return new SeedNode(host, p);
  }

  private static IllegalArgumentException badSeed(String entry, String why) {
    return new IllegalArgumentException("trestle.cluster.seed-nodes: '" + entry + "': " + why);
  }
}
