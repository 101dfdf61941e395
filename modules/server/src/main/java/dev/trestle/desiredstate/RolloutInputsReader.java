package dev.trestle.desiredstate;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.IstioNamespace;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.rollouts.RolloutInputs;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the revision rollout runner's {@link RolloutInputs} from the desired-state read model. */
final class RolloutInputsReader {
  private RolloutInputsReader() {}

  static RolloutInputs read(Connection c) throws SQLException {
    var rollouts = new ArrayList<Resource>();
    for (List<Resource> org : DesiredStateTables.loadResources(c).values()) {
      org.stream()
          .filter(r -> r.getKind().equals(Kind.REVISION_ROLLOUT.kindName()))
          .forEach(rollouts::add);
    }
    var labels = new TreeMap<String, Map<String, Map<String, String>>>();
    if (!rollouts.isEmpty()) {
      for (ClusterRow row : DesiredStateTables.loadClusters(c).values()) {
        if (!row.present()) {
          continue;
        }
        var byNamespace = new TreeMap<String, String>();
        for (IstioNamespace ns : inventory(row.inventoryJson()).getIstio().getNamespacesList()) {
          byNamespace.put(ns.getName(), ns.getRevisionLabel());
        }
        labels
            .computeIfAbsent(row.org(), o -> new TreeMap<>())
            .put(Fqn.parse(row.fqn()).name(), byNamespace);
      }
    }
    return new RolloutInputs(rollouts, labels);
  }

  private static Inventory inventory(String json) {
    var builder = Inventory.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      return Inventory.getDefaultInstance();
    }
    return builder.build();
  }
}
