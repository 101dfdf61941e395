package dev.trestle.clusters;

import com.google.protobuf.Timestamp;
import dev.trestle.core.CborSerializable;
import dev.trestle.protocol.v1.XdsRejection;
import java.time.Instant;

/**
 * A response of the edge's xDS server that a client rejected (NACK) and that still stood when the
 * edge last reported: which client ({@code node}), which type, which version, the client's error,
 * and when. Reported in every heartbeat (docs/xds.md, "NACKs").
 */
public record StandingXdsRejection(
    String node, String typeUrl, String version, String error, Instant at)
    implements CborSerializable {

  public static StandingXdsRejection of(XdsRejection r) {
    Timestamp ts = r.getAt();
    return new StandingXdsRejection(
        r.getNode(),
        r.getTypeUrl(),
        r.getVersion(),
        r.getError(),
        r.hasAt() ? Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()) : null);
  }

  public XdsRejection toProto() {
    var out =
        XdsRejection.newBuilder()
            .setNode(node)
            .setTypeUrl(typeUrl)
            .setVersion(version)
            .setError(error);
    if (at != null) {
      out.setAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
    }
    return out.build();
  }
}
