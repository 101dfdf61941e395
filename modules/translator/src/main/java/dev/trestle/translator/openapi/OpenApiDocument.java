package dev.trestle.translator.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An inline OpenAPI 3 document, parsed with swagger-parser without any network or file access:
 * every {@code $ref} must point inside the document ({@code #/...}); one naming a URL or a file is
 * refused before the parser sees the text, and the parser runs with resolution off, so nothing is
 * ever fetched. Problems carry the parser's own messages and locations.
 */
public final class OpenApiDocument {
  private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());

  /** The parsed document, or the problems that kept it from parsing. */
  public record Parsed(Optional<OpenAPI> api, List<String> problems) {
    public Parsed {
      problems = List.copyOf(problems);
    }
  }

  private OpenApiDocument() {}

  public static Parsed parse(String text) {
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String at =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      return new Parsed(
          Optional.empty(), List.of("not YAML or JSON" + at + ": " + e.getOriginalMessage()));
    }
    if (tree == null || !tree.isObject()) {
      return new Parsed(Optional.empty(), List.of("is not an OpenAPI document (an object)"));
    }
    var problems = new ArrayList<String>();
    remoteRefs(tree, "", problems);
    String version = tree.path("openapi").asText("");
    if (!version.startsWith("3.")) {
      problems.add(
          "openapi: '"
              + version
              + "' is not an OpenAPI 3 version (3.0.x or 3.1.x); Swagger 2 is not read");
    }
    if (!problems.isEmpty()) {
      return new Parsed(Optional.empty(), problems);
    }
    var options = new ParseOptions();
    options.setResolve(false); // no $ref resolution: nothing is read from anywhere
    options.setResolveFully(false);
    options.setValidateExternalRefs(false);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
    if (result.getMessages() != null) {
      problems.addAll(result.getMessages());
    }
    if (result.getOpenAPI() == null && problems.isEmpty()) {
      problems.add("the OpenAPI parser returned no document");
    }
    return new Parsed(
        problems.isEmpty() ? Optional.ofNullable(result.getOpenAPI()) : Optional.empty(), problems);
  }

  /** Every {@code $ref} not pointing inside the document, with where it is. */
  private static void remoteRefs(JsonNode node, String path, List<String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        var e = fields.next();
        String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().equals("$ref")
            && e.getValue().isTextual()
            && !e.getValue().asText().startsWith("#")) {
          out.add(
              at
                  + ": '"
                  + e.getValue().asText()
                  + "' refers outside the document; remote and file references are refused"
                  + " (nothing is fetched at apply time): inline it under components");
        } else {
          remoteRefs(e.getValue(), at, out);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        remoteRefs(node.get(i), path + "[" + i + "]", out);
      }
    }
  }
}
