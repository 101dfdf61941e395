package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.reject;

import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/** Path matchers the REST route groups share (paths relative to {@code /api/v1}). */
final class RestPaths {
  private RestPaths() {}

  /** {@code /name} or {@code /name/}, nothing below it. */
  static Route exactly(String segment, Supplier<Route> inner) {
    return pathPrefix(segment, () -> pathEndOrSingleSlash(inner));
  }

  /** {@code /name/FQN...}: {@code inner} gets the FQN without leading or trailing slashes. */
  static Route fqnBelow(String segment, Function<String, Route> inner) {
    return pathPrefix(
        segment,
        () ->
            extractUnmatchedPath(
                rest -> {
                  String fqn = strip(rest);
                  return rest.startsWith("/") && !fqn.isEmpty() ? inner.apply(fqn) : reject();
                }));
  }

  static String strip(String path) {
    return path.replaceAll("^/+|/+$", "");
  }
}
