package dev.trestle.telemetry;

/**
 * One end of a call as the queries show it: a service in a namespace of a cluster, a host outside
 * the mesh, or unknown (no name reported, or one the caller may not see).
 */
record Endpoint(Kind kind, String name, String namespace, String cluster) {
  enum Kind {
    SERVICE,
    EXTERNAL,
    UNKNOWN
  }

  static final Endpoint UNKNOWN = new Endpoint(Kind.UNKNOWN, "", "", "");
  private static final String LOCAL_SUFFIX = ".svc.cluster.local";

  /** The called side of a series: {@code destination_service} with its labels. */
  static Endpoint destination(SeriesKey k) {
    String svc = k.dstService();
    if (svc.isEmpty() || svc.equals("unknown")) {
      return UNKNOWN;
    }
    String[] labels = svc.split("\\.");
    if (!k.dstNamespace().isEmpty()) {
      return new Endpoint(Kind.SERVICE, labels[0], k.dstNamespace(), k.destinationCluster());
    }
    if (labels.length >= 2 && (svc.endsWith(LOCAL_SUFFIX) || svc.endsWith(".svc"))) {
      return new Endpoint(Kind.SERVICE, labels[0], labels[1], k.destinationCluster());
    }
    return new Endpoint(Kind.EXTERNAL, svc, "", "");
  }

  /** The calling side of a series: its workload (app label when the edge had it). */
  static Endpoint source(SeriesKey k) {
    String w = k.srcWorkload();
    if (w.isEmpty() || w.equals("unknown") || k.srcNamespace().isEmpty()) {
      return UNKNOWN;
    }
    return new Endpoint(Kind.SERVICE, w, k.srcNamespace(), k.sourceCluster());
  }

  /** {@code name.namespace@cluster}, {@code external:HOST} or {@code unknown}. */
  String id() {
    return switch (kind) {
      case SERVICE -> name + "." + namespace + "@" + cluster;
      case EXTERNAL -> "external:" + name;
      case UNKNOWN -> "unknown";
    };
  }
}
