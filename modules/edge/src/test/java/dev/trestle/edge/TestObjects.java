package dev.trestle.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.protocol.v1.DesiredSnapshot;
import dev.trestle.protocol.v1.ObjectKey;
import dev.trestle.translator.SetHash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Desired objects, snapshots and deltas as central would send them. */
final class TestObjects {
  static final ObjectMapper JSON = new ObjectMapper();

  private TestObjects() {}

  /** A VirtualService routing a URI regex to host {@code name}. */
  static DesiredObject virtualService(String namespace, String name, String uriRegex) {
    ObjectNode vs = JSON.createObjectNode();
    vs.put("apiVersion", "networking.istio.io/v1");
    vs.put("kind", "VirtualService");
    ObjectNode meta = vs.putObject("metadata");
    meta.put("name", name).put("namespace", namespace);
    meta.putObject("labels").put("app.kubernetes.io/managed-by", "trestle");
    ObjectNode spec = vs.putObject("spec");
    spec.putArray("hosts").add(name);
    ObjectNode http = spec.putArray("http").addObject();
    http.putArray("match").addObject().putObject("uri").put("regex", uriRegex);
    http.putArray("route").addObject().putObject("destination").put("host", name);
    return object(vs, "organizations/acme/tenants/t/workspaces/w/groups/g/serviceroutes/" + name);
  }

  static DesiredObject destinationRule(String namespace, String name) {
    ObjectNode dr = JSON.createObjectNode();
    dr.put("apiVersion", "networking.istio.io/v1");
    dr.put("kind", "DestinationRule");
    ObjectNode meta = dr.putObject("metadata");
    meta.put("name", name).put("namespace", namespace);
    meta.putObject("labels").put("app.kubernetes.io/managed-by", "trestle");
    dr.putObject("spec").put("host", name);
    return object(dr, "organizations/acme/tenants/t/workspaces/w/groups/g/trafficsettings/" + name);
  }

  static DesiredObject object(ObjectNode tree, String fqn) {
    String json;
    try {
      json = JSON.writeValueAsString(CanonicalJson.sorted(tree));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return DesiredObject.newBuilder()
        .setKey(
            ObjectKey.newBuilder()
                .setApiVersion(tree.path("apiVersion").asText())
                .setKind(tree.path("kind").asText())
                .setNamespace(tree.path("metadata").path("namespace").asText())
                .setName(tree.path("metadata").path("name").asText()))
        .setSourceFqn(fqn)
        .setSourceVersion(1)
        .setJson(json)
        .setContentHash(SetHash.content(json))
        .build();
  }

  static String hash(List<DesiredObject> objects) {
    return SetHash.of(objects.stream().map(EdgeObject::fromProto).toList());
  }

  static CentralMessage snapshot(long version, DesiredObject... objects) {
    return CentralMessage.newBuilder()
        .setSnapshot(
            DesiredSnapshot.newBuilder()
                .setVersion(version)
                .addAllObjects(Arrays.asList(objects))
                .setSetHash(hash(Arrays.asList(objects))))
        .build();
  }

  /** A delta whose set hash is that of {@code whole} (the state at {@code version}). */
  static CentralMessage delta(
      long from,
      long version,
      List<DesiredObject> upserts,
      List<DesiredObject> deletes,
      List<DesiredObject> whole) {
    var d =
        DesiredDelta.newBuilder()
            .setFromVersion(from)
            .setVersion(version)
            .addAllUpserts(upserts)
            .setSetHash(hash(whole));
    deletes.forEach(o -> d.addDeletes(o.getKey()));
    return CentralMessage.newBuilder().setDelta(d).build();
  }

  static List<DesiredObject> list(DesiredObject... objects) {
    return new ArrayList<>(Arrays.asList(objects));
  }
}
