package dev.trestle.loadtest.audit;

import dev.trestle.audit.AuditRow;
import dev.trestle.loadtest.audit.AuditDataset.Resource;
import dev.trestle.protocol.Kind;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Produces audit rows in time order (ids grow with time, as in production), spread over a window
 * that ends now, denser in weekday working hours. Accepted rows follow each resource's life: the
 * first change creates it, later ones update it (with messages and field changes in the server's
 * format), a few delete it and the next change re-creates it. About 5 % are refused attempts with
 * the reasons the server gives.
 */
final class AuditRowGenerator {
  static final String PID_PREFIX = "config-resource|"; // ResourceEntity TYPE_KEY name + '|'

  private final AuditDataset dataset;
  private final SplittableRandom rnd;
  private final double refusedShare;
  private long count;
  private long startMicros;
  private long endMicros;
  private double[] hourCdf;
  private final Map<String, long[]> life = new HashMap<>(); // fqn -> {version, exists(0/1), seq}
  private long produced;
  private String lastRequestId = "";
  private String lastPrincipal = "";

  AuditRowGenerator(
      AuditDataset dataset, long seed, long count, int days, double refusedShare, Instant end) {
    this.dataset = dataset;
    this.rnd = new SplittableRandom(seed);
    this.count = count;
    this.refusedShare = refusedShare;
    this.endMicros = end.getEpochSecond() * 1_000_000L + end.getNano() / 1_000;
    this.startMicros = endMicros - days * 86_400_000_000L;
    this.hourCdf = hourCdf(Instant.ofEpochSecond(startMicros / 1_000_000L), days * 24);
  }

  /**
   * Continues the same resources' lives (versions, journal sequence numbers) with more rows in the
   * days right after the current window.
   */
  void extend(long moreRows, int days) {
    this.count = moreRows;
    this.produced = 0;
    this.startMicros = endMicros;
    this.endMicros = startMicros + days * 86_400_000_000L;
    this.hourCdf = hourCdf(Instant.ofEpochSecond(startMicros / 1_000_000L), days * 24);
  }

  /** Weekday 08-19 UTC weighs 6, other weekday hours 1, weekend hours 0.4. */
  private static double[] hourCdf(Instant start, int hours) {
    double[] cdf = new double[hours];
    double sum = 0;
    for (int h = 0; h < hours; h++) {
      var t = start.plusSeconds(h * 3600L).atZone(ZoneOffset.UTC);
      boolean weekend =
          t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY;
      double w = weekend ? 0.4 : (t.getHour() >= 8 && t.getHour() < 19 ? 6 : 1);
      sum += w;
      cdf[h] = sum;
    }
    for (int h = 0; h < hours; h++) {
      cdf[h] /= sum;
    }
    return cdf;
  }

  long startMicros() {
    return startMicros;
  }

  boolean hasNext() {
    return produced < count;
  }

  GeneratedRow next() {
    long i = produced++;
    long time = timeAt((i + rnd.nextDouble()) / count);
    // about a third of rows belong to the same multi-document apply as the previous row
    boolean sameRequest = i > 0 && rnd.nextDouble() < 0.3;
    String principal = sameRequest ? lastPrincipal : dataset.principal(rnd);
    String requestId = sameRequest ? lastRequestId : uuid();
    lastPrincipal = principal;
    lastRequestId = requestId;
    Kind kind = dataset.kind(rnd);
    Resource r = dataset.resource(kind, rnd);
    long[] state = life.computeIfAbsent(r.fqn(), k -> new long[3]);
    return rnd.nextDouble() < refusedShare
        ? refused(time, principal, requestId, r, state)
        : accepted(time, principal, requestId, r, state);
  }

  private long timeAt(double q) {
    int lo = 0;
    int hi = hourCdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (hourCdf[mid] < q) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    double before = lo == 0 ? 0 : hourCdf[lo - 1];
    double within = (q - before) / (hourCdf[lo] - before);
    return startMicros
        + lo * 3_600_000_000L
        + (long) (Math.min(Math.max(within, 0), 0.999999) * 3_600_000_000L);
  }

  private GeneratedRow accepted(
      long time, String principal, String requestId, Resource r, long[] state) {
    String kind = r.kind().kindName();
    boolean exists = state[1] == 1;
    boolean deletable = r.kind().depth() >= 4 || r.kind() == Kind.CLUSTER;
    String op = !exists ? "CREATE" : deletable && rnd.nextDouble() < 0.03 ? "DELETE" : "UPDATE";
    long version = ++state[0];
    state[2] += 1 + (rnd.nextDouble() < 0.1 ? 1 : 0); // parents also journal child registrations
    state[1] = op.equals("DELETE") ? 0 : 1;
    String message;
    String changes;
    switch (op) {
      case "CREATE" -> {
        message = "created " + kind + " version " + version;
        changes = "[{\"after\":" + content(r) + ",\"path\":\"\"}]";
      }
      case "DELETE" -> {
        message = "deleted " + kind + " version " + version;
        changes = "[{\"before\":" + content(r) + ",\"path\":\"\"}]";
      }
      default -> {
        var list = FieldChanges.pick(r.kind(), rnd);
        var paths = list.stream().map(FieldChanges.Change::path).toList();
        message =
            "updated "
                + kind
                + " version "
                + version
                + ": "
                + list.size()
                + (list.size() == 1 ? " field changed: " : " fields changed: ")
                + String.join(", ", paths);
        var sb = new StringBuilder("[");
        for (FieldChanges.Change c : list) {
          if (sb.length() > 1) {
            sb.append(',');
          }
          sb.append("{\"after\":")
              .append(c.after())
              .append(",\"before\":")
              .append(c.before())
              .append(",\"path\":\"")
              .append(c.path())
              .append("\"}");
        }
        changes = sb.append(']').toString();
      }
    }
    return new GeneratedRow(
        new AuditRow(
            0,
            time,
            principal,
            op,
            AuditRow.ACCEPTED,
            kind,
            r.fqn(),
            version,
            requestId,
            message,
            changes),
        PID_PREFIX + r.fqn(),
        state[2]);
  }

  private GeneratedRow refused(
      long time, String principal, String requestId, Resource r, long[] state) {
    String kind = r.kind().kindName();
    long current = state[0];
    double u = rnd.nextDouble();
    String op;
    String message;
    String fqn = r.fqn();
    if (u < 0.35 && current > 1) {
      op = "UPDATE";
      long stale = Math.max(1, current - 1 - rnd.nextInt(3));
      message =
          "CONFLICT: metadata.version "
              + stale
              + " is stale: the current version of "
              + fqn
              + " is "
              + current;
    } else if (u < 0.65) {
      op = state[1] == 1 ? "UPDATE" : "CREATE";
      message =
          "INVALID_ARGUMENT: "
              + violation(r)
              + (rnd.nextDouble() < 0.2 ? " (and " + (1 + rnd.nextInt(3)) + " more)" : "");
    } else if (u < 0.77 && !r.parentFqn().isEmpty()) {
      op = "CREATE";
      message = "NOT_FOUND: parent " + r.parentFqn() + " does not exist; create it first";
    } else if (u < 0.87) {
      op = "DELETE";
      message =
          r.children() > 0
              ? "FAILED_PRECONDITION: "
                  + fqn
                  + " has "
                  + r.children()
                  + " children; delete them first or use cascade"
              : "FAILED_PRECONDITION: "
                  + fqn
                  + " has deletionProtection set; pass force to delete it";
    } else {
      op = "APPLY"; // the document never got as far as a target resource
      String[] reasons = {
        "INVALID_ARGUMENT: kind: unknown kind 'VirtualService'; one of Organization, Tenant,"
            + " Workspace, Group, Cluster, ServiceRoute, TrafficSetting, SecuritySetting,"
            + " IngressGateway",
        "INVALID_ARGUMENT: metadata.name: 'Cart_v2' is not a DNS-1123 label",
        "INVALID_ARGUMENT: document 3: mapping values are not allowed here (line 12, column 18)",
        "INVALID_ARGUMENT: apiVersion: 'trestle.dev/v1beta1' is not supported; use trestle.dev/v1"
      };
      message = reasons[rnd.nextInt(reasons.length)];
      kind = rnd.nextDouble() < 0.5 ? "" : kind;
      fqn = "";
    }
    return new GeneratedRow(
        new AuditRow(
            0, time, principal, op, AuditRow.REFUSED, kind, fqn, 0, requestId, message, null),
        null,
        0);
  }

  private String violation(Resource r) {
    return switch (r.kind()) {
      case SERVICE_ROUTE -> "spec.subsets: weights must sum to 100, got " + (101 + rnd.nextInt(40));
      case TRAFFIC_SETTING ->
          "spec.retries.perTryTimeout: '"
              + (1 + rnd.nextInt(5))
              + "' is not a duration like 250ms or 2s";
      case SECURITY_SETTING ->
          "spec.allow[0].fromWorkspaces[0]: "
              + r.fqn().replaceAll("/groups/.*$", "").replaceAll("[^/]+$", "legacy")
              + " does not exist";
      case INGRESS_GATEWAY ->
          "spec.routes[1].host: 'shop.example.com' is not one of the servers' hosts";
      case CLUSTER -> "spec.network: 'Net_1' is not a DNS-1123 label";
      case GROUP ->
          "spec.namespaceSelectors[1]: 'payments-*/x' is not covered by the workspace's selectors";
      default -> "spec.displayName: must be at most 128 characters";
    };
  }

  private String content(Resource r) {
    String team = r.fqn().contains("/tenants/") ? r.fqn().split("/")[3] : r.fqn().split("/")[1];
    String spec =
        switch (r.kind()) {
          case SERVICE_ROUTE ->
              "{\"ports\":[{\"port\":8080,\"protocol\":\"HTTP\"}],\"service\":\""
                  + r.service()
                  + "\",\"subsets\":[{\"labels\":{\"version\":\"v1\"},\"name\":\"v1\",\"weight\":100}]}";
          case TRAFFIC_SETTING ->
              "{\"retries\":{\"attempts\":3,\"perTryTimeout\":\"1s\"},\"timeout\":\"5s\"}";
          case SECURITY_SETTING -> "{\"mtlsMode\":\"STRICT\"}";
          case INGRESS_GATEWAY ->
              "{\"servers\":[{\"hosts\":[\""
                  + team
                  + ".example.com\"],\"name\":\"https\",\"port\":443,\"protocol\":\"HTTPS\"}],\"workloadSelector\":{\"istio\":\"ingressgateway\"}}";
          case CLUSTER -> "{\"locality\":{\"region\":\"eu-west-1\"},\"network\":\"net-1\"}";
          case GROUP ->
              "{\"displayName\":\""
                  + r.fqn().substring(r.fqn().lastIndexOf('/') + 1)
                  + "\",\"type\":\""
                  + groupType(r.fqn())
                  + "\"}";
          default ->
              "{\"displayName\":\"" + r.fqn().substring(r.fqn().lastIndexOf('/') + 1) + "\"}";
        };
    return "{\"metadata\":{\"labels\":{\"team\":\"" + team + "\"}},\"spec\":" + spec + "}";
  }

  private static String groupType(String fqn) {
    return fqn.endsWith("/traffic")
        ? "TRAFFIC"
        : fqn.endsWith("/security") ? "SECURITY" : "GATEWAY";
  }

  private String uuid() {
    return String.format(
        "%08x-%04x-4%03x-%04x-%012x",
        rnd.nextInt() & 0xffffffffL,
        rnd.nextInt(0x10000),
        rnd.nextInt(0x1000),
        0x8000 | rnd.nextInt(0x4000),
        rnd.nextLong() & 0xffffffffffffL);
  }
}
