package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.redirect;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Serves the web console (module {@code modules/console}, classpath {@value #ROOT}) under {@code
 * /ui/}; {@code /} and {@code /ui} redirect there. Static files are served as they are; any other
 * path below {@code /ui/} is a console page (deep link) and gets the HTML shell, which routes in
 * the browser. Every answer carries a strict Content-Security-Policy (scripts only from this
 * origin, no inline script, no framing); the shell and the console's own modules are revalidated on
 * every load, vendored files (their version is in their path) are cached for a year.
 */
public final class ConsoleStaticRoute {
  static final String ROOT = "trestle-console/";
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";
  private static final Pattern STATIC_FILE =
      Pattern.compile("(app|vendor)/[A-Za-z0-9._/-]+\\.(js|css)|[A-Za-z0-9._-]+\\.(css|svg|png)");

  private static final List<HttpHeader> SECURITY =
      List.of(
          RawHeader.create("Content-Security-Policy", CSP),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("Referrer-Policy", "no-referrer"));
  private static final HttpHeader NO_CACHE = RawHeader.create("Cache-Control", "no-cache");
  private static final HttpHeader IMMUTABLE =
      RawHeader.create("Cache-Control", "public, max-age=31536000, immutable");

  private ConsoleStaticRoute() {}

  public static Route route() {
    return get(
        () ->
            concat(
                pathSingleSlash(() -> redirect(Uri.create("/ui/"), StatusCodes.FOUND)),
                pathPrefix(
                    "ui",
                    () ->
                        concat(
                            pathEnd(() -> redirect(Uri.create("/ui/"), StatusCodes.FOUND)),
                            respondWithHeaders(
                                SECURITY, () -> extractUnmatchedPath(ConsoleStaticRoute::file))))));
  }

  private static Route file(String unmatched) {
    String path = unmatched.startsWith("/") ? unmatched.substring(1) : unmatched;
    if (path.contains("..")) {
      return complete(StatusCodes.NOT_FOUND, "no such file");
    }
    if (STATIC_FILE.matcher(path).matches()) {
      return respondWithHeaders(
          List.of(path.startsWith("vendor/") ? IMMUTABLE : NO_CACHE),
          () ->
              concat(
                  getFromResource(ROOT + path),
                  complete(StatusCodes.NOT_FOUND, "no such console file: " + path)));
    }
    // Deep links (/ui/r/organizations/acme) all get the shell; the browser routes them.
    return respondWithHeaders(List.of(NO_CACHE), () -> getFromResource(ROOT + "index.html"));
  }
}
