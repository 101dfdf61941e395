package dev.trestle.cli;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The table view of resources: NAME, PARENT (FQN of the parent; left out when every row is an
 * organization), VERSION, UPDATED (time since the last change), LABELS.
 */
public final class ResourceTable {
  private ResourceTable() {}

  public static String render(List<Resource> resources, Instant now) {
    boolean showParent = resources.stream().anyMatch(r -> !Targets.fqnOf(r).parent().isRoot());
    var headers = new ArrayList<String>(List.of("NAME"));
    if (showParent) {
      headers.add("PARENT");
    }
    headers.addAll(List.of("VERSION", "UPDATED", "LABELS"));
    var table = new Table(headers);
    for (Resource r : resources) {
      Fqn fqn = Targets.fqnOf(r);
      var cells = new ArrayList<String>();
      cells.add(fqn.name());
      if (showParent) {
        cells.add(fqn.parent().toString());
      }
      var meta = r.getMetadata();
      cells.add(Long.toString(meta.getVersion()));
      cells.add(
          Ages.since(meta.hasUpdateTime() ? meta.getUpdateTime() : meta.getCreateTime(), now));
      cells.add(labels(meta.getLabelsMap()));
      table.row(cells);
    }
    return table.render();
  }

  /** {@code k1=v1,k2=v2} in key order, or {@code <none>}. */
  static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "<none>";
    }
    return new TreeMap<>(labels)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }
}
