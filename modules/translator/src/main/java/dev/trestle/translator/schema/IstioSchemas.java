package dev.trestle.translator.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Istio's CustomResourceDefinitions as validators: an object is checked the way the API server of a
 * cluster would check it before admitting it — its kind and version must be served, and it must
 * match the version's OpenAPI schema strictly (see {@link StructuralSchema}), with a real JSON
 * Schema validator. EnvoyFilter patches, free-form in the schema, are parsed into Envoy's own
 * messages ({@link EnvoyFilterPatches}). Objects of groups other than {@code *.istio.io} are not
 * Istio's to judge and pass.
 *
 * <p>Loaded once from {@code crd-all.gen.yaml} (Istio's {@code manifests/charts/base/files}); the
 * translator's tests read the vendored file, the edge agent a copy in its jar. Thread-safe.
 */
public final class IstioSchemas {
  private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** One served kind and version: its JSON Schema and its CRD schema (for the CEL rules). */
  private record Served(Schema schema, JsonNode openApiV3Schema) {}

  /** {@code group/version Kind} → its validator. */
  private final Map<String, Served> schemas;

  private final CelRules cel;

  private IstioSchemas(Map<String, Served> schemas, CelRules cel) {
    this.schemas = Collections.unmodifiableMap(schemas);
    this.cel = cel;
  }

  /** Reads every CRD in a multi-document YAML stream (e.g. {@code crd-all.gen.yaml}). */
  public static IstioSchemas load(InputStream crds) throws IOException {
    var registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    var out = new TreeMap<String, Served>();
    var cel = new CelRules();
    try (var docs = YAML.readValues(YAML.createParser(crds), JsonNode.class)) {
      while (docs.hasNextValue()) {
        JsonNode crd = docs.nextValue();
        if (crd == null || !"CustomResourceDefinition".equals(crd.path("kind").asText())) {
          continue;
        }
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText();
        String kind = spec.path("names").path("kind").asText();
        for (JsonNode version : spec.path("versions")) {
          JsonNode schema = version.path("schema").path("openAPIV3Schema");
          if (!version.path("served").asBoolean(false) || !schema.isObject()) {
            continue;
          }
          String key = group + "/" + version.path("name").asText() + " " + kind;
          out.put(
              key, new Served(registry.getSchema(StructuralSchema.toJsonSchema(schema)), schema));
          cel.compileAll(schema);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException("no served CustomResourceDefinition with an openAPIV3Schema found");
    }
    return new IstioSchemas(out, cel);
  }

  /** {@code group/version Kind} of every served schema, sorted. */
  public Set<String> kinds() {
    return schemas.keySet();
  }

  /**
   * The CEL rules of the loaded schemas that are not evaluated: transition rules ({@code oldSelf})
   * and rules using Kubernetes' own CEL libraries, which cel-java does not have.
   */
  public Set<String> uncheckedCelRules() {
    return cel.unchecked();
  }

  /** Whether this object's kind is one Istio defines, so {@link #violations} judges it. */
  public static boolean isIstio(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText("");
    int slash = apiVersion.indexOf('/');
    return slash > 0 && apiVersion.substring(0, slash).endsWith(".istio.io");
  }

  /** Every violation of the object's schema; empty when the cluster would admit it. */
  public List<SchemaViolation> violations(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    JsonNode meta = object.path("metadata");
    String id =
        apiVersion
            + " "
            + kind
            + " "
            + meta.path("namespace").asText("")
            + "/"
            + meta.path("name").asText("");
    var out = new ArrayList<SchemaViolation>();
    if (!isIstio(object)) {
      return out;
    }
    Served served = schemas.get(apiVersion + " " + kind);
    if (served == null) {
      out.add(
          new SchemaViolation(
              id, "", "served", "no served Istio CRD version defines " + apiVersion + " " + kind));
      return out;
    }
    for (Error e : served.schema().validate(object)) {
      out.add(new SchemaViolation(id, path(e), e.getKeyword(), message(e)));
    }
    if (out.isEmpty()) {
      // CEL rules assume the structure and types the schema guarantees.
      out.addAll(cel.violations(id, served.openApiV3Schema(), object));
    }
    if (out.isEmpty() && "EnvoyFilter".equals(kind)) {
      out.addAll(EnvoyFilterPatches.violations(id, object.path("spec")));
    }
    return out;
  }

  /** Same as {@link #violations(JsonNode)} for an object given as JSON. */
  public List<SchemaViolation> violations(String json) {
    try {
      return violations(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String path(Error e) {
    String at = FieldPath.of(e.getInstanceLocation());
    String property = e.getProperty();
    if (property != null
        && ("additionalProperties".equals(e.getKeyword()) || "required".equals(e.getKeyword()))) {
      return at.isEmpty() ? property : at + "." + property;
    }
    return at;
  }

  private static String message(Error e) {
    String m = e.getMessage();
    // networknt prefixes the instance location, which the violation carries separately.
    String prefix = e.getInstanceLocation() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }
}
