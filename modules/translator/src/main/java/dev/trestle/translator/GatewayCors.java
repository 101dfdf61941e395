package dev.trestle.translator;

import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.CorsPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchExact;
import java.util.List;

/** A gateway route's CORS policy as Istio's (exact origins; durations in protobuf form). */
final class GatewayCors {
  private GatewayCors() {}

  static io.fabric8.istio.api.api.networking.v1alpha3.CorsPolicy of(CorsPolicy cors) {
    var out = new io.fabric8.istio.api.api.networking.v1alpha3.CorsPolicy();
    out.setAllowOrigins(
        cors.getAllowOriginsList().stream()
            .map(o -> new StringMatch(new StringMatchExact(o)))
            .toList());
    if (cors.getAllowMethodsCount() > 0) {
      out.setAllowMethods(List.copyOf(cors.getAllowMethodsList()));
    }
    if (cors.getAllowHeadersCount() > 0) {
      out.setAllowHeaders(List.copyOf(cors.getAllowHeadersList()));
    }
    if (cors.getExposeHeadersCount() > 0) {
      out.setExposeHeaders(List.copyOf(cors.getExposeHeadersList()));
    }
    Durations.normalize(cors.getMaxAge()).ifPresent(out::setMaxAge);
    if (cors.getAllowCredentials()) {
      out.setAllowCredentials(true);
    }
    return out;
  }
}
