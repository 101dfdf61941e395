package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where an emitted object comes from: the resource it is named after and every resource whose
 * content it carries. Becomes the object's labels and annotations.
 */
record Provenance(Resource source, List<Resource> inputs) {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String MANAGER = "trestle";
  static final String SOURCE_KIND = "trestle.dev/source-kind";
  static final String TENANT = "trestle.dev/tenant";
  static final String WORKSPACE = "trestle.dev/workspace";
  static final String SOURCE_FQN = "trestle.dev/source-fqn";
  static final String SOURCE_VERSION = "trestle.dev/source-version";
  static final String INPUTS = "trestle.dev/inputs";

  static Provenance of(Resource source, Collection<Resource> others) {
    var all = new ArrayList<Resource>();
    all.add(source);
    others.stream().filter(r -> r != null && !fqn(r).equals(fqn(source))).forEach(all::add);
    return new Provenance(source, all);
  }

  static Provenance of(Resource source) {
    return new Provenance(source, List.of(source));
  }

  static String fqn(Resource r) {
    return r.getMetadata().getFqn();
  }

  String sourceFqn() {
    return fqn(source);
  }

  long sourceVersion() {
    return source.getMetadata().getVersion();
  }

  /** {@code fqn@version} of every input, sorted and without duplicates. */
  List<String> inputRefs() {
    var refs = new TreeSet<String>();
    inputs.forEach(r -> refs.add(fqn(r) + "@" + r.getMetadata().getVersion()));
    return List.copyOf(refs);
  }

  ObjectMeta meta(String name, String namespace) {
    Fqn fqn = Fqn.parse(sourceFqn());
    Map<String, String> labels = new TreeMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put(SOURCE_KIND, source.getKind());
    fqn.nameOf(Kind.TENANT).ifPresent(t -> labels.put(TENANT, t));
    fqn.nameOf(Kind.WORKSPACE).ifPresent(w -> labels.put(WORKSPACE, w));
    Map<String, String> annotations = new TreeMap<>();
    annotations.put(SOURCE_FQN, sourceFqn());
    annotations.put(SOURCE_VERSION, Long.toString(sourceVersion()));
    annotations.put(INPUTS, String.join(",", inputRefs()));
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .withAnnotations(annotations)
        .build();
  }
}
