package dev.trestle.cli;

/** The {@code HOST:PORT} of a Trestle management API ({@code [::1]:9080} for IPv6 literals). */
public record ServerAddress(String host, int port) {
  public static final ServerAddress DEFAULT = new ServerAddress("127.0.0.1", 9080);

  public ServerAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1-65535");
    }
  }

  /** Parses {@code host:port}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static ServerAddress parse(String text) {
    String t = text == null ? "" : text.strip();
    String host;
    String port;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. [::1]:9080)");
      }
      host = t.substring(1, close);
      port = t.substring(close + 2);
    } else {
      int colon = t.lastIndexOf(':');
      if (colon <= 0 || t.indexOf(':') != colon) {
        throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:9080)");
      }
      host = t.substring(0, colon);
      port = t.substring(colon + 1);
    }
    try {
      return new ServerAddress(host, Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
    }
  }

  /** Whether the host names this machine's loopback interface (no name resolution). */
  public boolean loopback() {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost")
        || h.startsWith("127.")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
