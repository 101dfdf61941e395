package dev.trestle.edge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One central node's edge-sync address, as {@code --central} lists them. */
public record CentralAddress(String host, int port) {
  private static final Pattern HOST_PORT =
      Pattern.compile("\\[([^\\]]+)\\](?::(\\d+))?|([^:\\[\\]]+)(?::(\\d+))?");

  public CentralAddress {
    if (host.isBlank()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(port + " is not a port");
    }
  }

  /**
   * {@code HOST[:PORT][,HOST[:PORT]...]}, IPv6 hosts in brackets, {@code defaultPort} where a port
   * is left out. Every entry must be well formed and different from the others.
   */
  public static List<CentralAddress> parseList(String text, int defaultPort) {
    List<CentralAddress> out = new ArrayList<>();
    for (String entry : text.split(",", -1)) {
      out.add(parse(entry.strip(), defaultPort));
    }
    var distinct = new LinkedHashSet<>(out);
    if (distinct.size() != out.size()) {
      throw new IllegalArgumentException("'" + text + "' lists an address twice");
    }
    return List.copyOf(out);
  }

  static CentralAddress parse(String entry, int defaultPort) {
    Matcher m = HOST_PORT.matcher(entry);
    if (entry.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("'" + entry + "' is not HOST:PORT");
    }
    String host = m.group(1) != null ? m.group(1) : m.group(3);
    String port = m.group(1) != null ? m.group(2) : m.group(4);
    int p;
    try {
      p = port == null ? defaultPort : Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + entry + "': " + port + " is not a port");
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("'" + entry + "': " + p + " is not a port");
    }
    return new CentralAddress(host.strip(), p);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
