package dev.trestle.translator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of an EnvoyFilter its CRD leaves free-form: each {@code patch.value} is parsed, as
 * istiod's validation does, into the Envoy message its {@code applyTo} names, strictly (an unknown
 * field fails). Every {@code typed_config} inside ({@code @type} plus fields) is parsed into its
 * own message through {@link EnvoyTypes}, so a misspelt field, a wrong value type or an
 * {@code @type} Envoy does not know fails here instead of on a proxy.
 */
final class EnvoyFilterPatches {
  private static final Map<String, Descriptor> APPLY_TO =
      Map.ofEntries(
          Map.entry("LISTENER", Listener.getDescriptor()),
          Map.entry("FILTER_CHAIN", FilterChain.getDescriptor()),
          Map.entry("NETWORK_FILTER", Filter.getDescriptor()),
          Map.entry("HTTP_FILTER", HttpFilter.getDescriptor()),
          Map.entry("ROUTE_CONFIGURATION", RouteConfiguration.getDescriptor()),
          Map.entry("VIRTUAL_HOST", VirtualHost.getDescriptor()),
          Map.entry("HTTP_ROUTE", Route.getDescriptor()),
          Map.entry("CLUSTER", Cluster.getDescriptor()),
          Map.entry("EXTENSION_CONFIG", TypedExtensionConfig.getDescriptor()),
          Map.entry("BOOTSTRAP", Bootstrap.getDescriptor()),
          Map.entry("LISTENER_FILTER", ListenerFilter.getDescriptor()));

  private EnvoyFilterPatches() {}

  static List<SchemaViolation> violations(String object, JsonNode spec) {
    var out = new ArrayList<SchemaViolation>();
    JsonNode patches = spec.path("configPatches");
    for (int i = 0; i < patches.size(); i++) {
      JsonNode patch = patches.get(i);
      JsonNode value = patch.path("patch").path("value");
      if (value.isMissingNode() || value.isNull()) {
        continue;
      }
      String path = "spec.configPatches[" + i + "].patch.value";
      String applyTo = patch.path("applyTo").asText("");
      Descriptor type = APPLY_TO.get(applyTo);
      if (type == null) {
        out.add(
            new SchemaViolation(
                object,
                "spec.configPatches[" + i + "].applyTo",
                "envoy:applyTo",
                "'" + applyTo + "' names no Envoy message a patch value could be"));
        continue;
      }
      try {
        JsonFormat.parser()
            .usingTypeRegistry(EnvoyTypes.registry())
            .merge(value.toString(), DynamicMessage.newBuilder(type));
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        out.add(
            new SchemaViolation(
                object,
                path,
                "envoy:" + type.getFullName(),
                "Envoy would not parse it as " + type.getFullName() + ": " + e.getMessage()));
      }
    }
    return out;
  }
}
