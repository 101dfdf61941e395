package dev.trestle.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Test inputs: {@code inventory} + {@code objects} in one YAML file, or objects from multi-doc
 * YAML.
 */
final class Fixtures {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  static final Path DIR = Path.of("src/test/resources/xds");

  record Input(LocalInventory inventory, List<String> objects) {}

  private Fixtures() {}

  /**
   * {@link XdsTranslator#translate}, failing the test when grpc-js (current, or one that predates
   * custom LB policies) would refuse any of the snapshot's Clusters: every Cluster the module's
   * tests make is checked against a second proxyless implementation.
   */
  static XdsSnapshot translate(LocalInventory inventory, Collection<String> objects) {
    return translate(inventory, objects, Optional.empty());
  }

  /**
   * As above, with gateway TLS: grpc-js's bootstrap then holds the certificate provider instance
   * the TLS clusters name.
   */
  static XdsSnapshot translate(
      LocalInventory inventory, Collection<String> objects, Optional<GatewayTls> gatewayTls) {
    XdsSnapshot snapshot = XdsTranslator.translate(inventory, objects, gatewayTls);
    Set<String> providers = gatewayTls.map(t -> Set.of(t.providerInstance())).orElse(Set.of());
    for (var rules :
        List.of(GrpcJsClusterRules.current(), GrpcJsClusterRules.withoutCustomLbConfig())) {
      rules = rules.withCertificateProviders(providers);
      for (var cluster : snapshot.clusters()) {
        assertThat(rules.errors(cluster)).as("grpc-js on " + cluster.getName()).isEmpty();
      }
    }
    return snapshot;
  }

  static Input load(String name) throws IOException {
    JsonNode root = YAML.readTree(Files.readString(DIR.resolve(name)));
    var objects = new ArrayList<String>();
    for (JsonNode o : root.path("objects")) {
      objects.add(JSON.writeValueAsString(JSON.treeToValue(o, Object.class)));
    }
    return new Input(inventory(root.path("inventory")), objects);
  }

  /**
   * The translator's golden objects for acme's eu-west-1a with the service catalog's cross-cluster
   * objects (its multicluster golden file) added or replacing those of the same key, as central
   * merges them, and the eu-west-1a inventory.
   */
  static Input acmeWithCatalog() throws IOException {
    var inv = load("acme-eu-west-1a-inventory.yaml");
    var objects = new TreeMap<String, String>();
    Path golden = Path.of("../translator/src/test/resources/golden");
    for (String o : documents(golden.resolve("eu-west-1a.yaml"))) {
      objects.put(key(o), o);
    }
    for (String o : documents(golden.resolve("multicluster/eu-west-1a.yaml"))) {
      objects.put(key(o), o);
    }
    return new Input(inv.inventory(), new ArrayList<>(objects.values()));
  }

  static LocalInventory inventory(JsonNode inv) {
    var services = new ArrayList<LocalInventory.Service>();
    for (JsonNode s : inv.path("services")) {
      var ports = new ArrayList<LocalInventory.Port>();
      for (JsonNode p : s.path("ports")) {
        ports.add(
            new LocalInventory.Port(
                p.path("name").asText(), p.path("number").asInt(), p.path("protocol").asText()));
      }
      var endpoints = new ArrayList<LocalInventory.Endpoint>();
      for (JsonNode e : s.path("endpoints")) {
        var byName = new TreeMap<String, Integer>();
        e.path("ports")
            .fields()
            .forEachRemaining(f -> byName.put(f.getKey(), f.getValue().asInt()));
        endpoints.add(
            new LocalInventory.Endpoint(
                e.path("address").asText(),
                e.has("port") ? e.path("port").asInt() : null,
                byName,
                strings(e.path("labels")),
                e.path("healthy").asBoolean(true)));
      }
      services.add(
          new LocalInventory.Service(
              s.path("namespace").asText(),
              s.path("name").asText(),
              s.path("hostname").asText(""),
              ports,
              strings(s.path("labels")),
              endpoints));
    }
    return new LocalInventory(
        inv.path("cluster").asText(),
        inv.path("network").asText(),
        inv.path("region").asText(),
        inv.path("zone").asText(),
        services);
  }

  /** Every document of a multi-document YAML file, as JSON. */
  static List<String> documents(Path file) throws IOException {
    var out = new ArrayList<String>();
    try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
      Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && n.isObject()) {
          out.add(JSON.writeValueAsString(JSON.treeToValue(n, Object.class)));
        }
      }
    }
    return out;
  }

  /** kind namespace/name of an object's JSON. */
  static String key(String json) throws IOException {
    JsonNode n = JSON.readTree(json);
    return n.path("kind").asText()
        + " "
        + n.path("metadata").path("namespace").asText()
        + "/"
        + n.path("metadata").path("name").asText();
  }

  private static Map<String, String> strings(JsonNode n) {
    var out = new TreeMap<String, String>();
    n.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
    return out;
  }
}
