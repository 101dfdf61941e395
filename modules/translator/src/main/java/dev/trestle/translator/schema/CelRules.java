package dev.trestle.translator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CEL rules ({@code x-kubernetes-validations}) of a CRD schema, evaluated with cel-java against
 * each node of an object they apply to, with {@code self} bound to that node, as the API server
 * does on create. Rules cel-java cannot compile — those using the Kubernetes CEL libraries ({@code
 * url()}, {@code isIP()}, {@code quantity()}, ...) — and transition rules ({@code oldSelf}, which
 * need a previous object) are not checked; {@link #unchecked} lists them.
 */
final class CelRules {
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .addVar("self", SimpleType.DYN)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addLibraries(CelExtensions.strings())
          .build();
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  /** Rule text → its program, or empty when it is not checked. */
  private final Map<String, Optional<CelRuntime.Program>> programs = new ConcurrentHashMap<>();

  /** Every rule of the schemas loaded so far that is not checked, sorted. */
  Set<String> unchecked() {
    var out = new TreeSet<String>();
    programs.forEach(
        (rule, program) -> {
          if (program.isEmpty()) {
            out.add(rule);
          }
        });
    return out;
  }

  /** Compiles every rule of the schema once (so {@link #unchecked} is complete). */
  void compileAll(JsonNode schema) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      program(v.path("rule").asText());
    }
    schema.path("properties").forEach(this::compileAll);
    if (schema.path("items").isObject()) {
      compileAll(schema.get("items"));
    }
    if (schema.path("additionalProperties").isObject()) {
      compileAll(schema.get("additionalProperties"));
    }
  }

  private Optional<CelRuntime.Program> program(String rule) {
    return programs.computeIfAbsent(rule, CelRules::compile);
  }

  private static Optional<CelRuntime.Program> compile(String rule) {
    if (rule.contains("oldSelf")) {
      return Optional.empty();
    }
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
      return Optional.of(RUNTIME.createProgram(ast));
    } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Every rule that fails on the object (which must already match the structural schema). */
  List<SchemaViolation> violations(String object, JsonNode schema, JsonNode value) {
    var out = new ArrayList<SchemaViolation>();
    walk(object, schema, value, "", out);
    return out;
  }

  private void walk(
      String object, JsonNode schema, JsonNode value, String path, List<SchemaViolation> out) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      String rule = v.path("rule").asText();
      Optional<CelRuntime.Program> program = program(rule);
      if (program.isEmpty()) {
        continue;
      }
      String failure;
      try {
        Object result = program.get().eval(Map.of("self", toCel(value)));
        failure = Boolean.TRUE.equals(result) ? null : v.path("message").asText("failed rule");
      } catch (CelEvaluationException e) {
        failure = "the rule could not be evaluated: " + e.getMessage();
      }
      if (failure != null) {
        out.add(new SchemaViolation(object, path, "x-kubernetes-validations: " + rule, failure));
      }
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      value
          .fields()
          .forEachRemaining(
              e -> {
                String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (properties.has(e.getKey())) {
                  walk(object, properties.get(e.getKey()), e.getValue(), at, out);
                } else if (schema.path("additionalProperties").isObject()) {
                  walk(object, schema.get("additionalProperties"), e.getValue(), at, out);
                }
              });
    } else if (value.isArray() && schema.path("items").isObject()) {
      for (int i = 0; i < value.size(); i++) {
        walk(object, schema.get("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
  }

  /** JSON as CEL sees it: maps, lists, int (Long), double, string, bool. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      var map = new LinkedHashMap<String, Object>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      var list = new ArrayList<Object>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
