package dev.trestle.app;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.settings.ServerSettings;

/**
 * HTTP settings of the edge port, which serves only long-lived gRPC streams. The API port's request
 * timeout (30 s) and Pekko's 60 s idle timeout do not fit them: an edge waits without traffic while
 * central decides its Connect (up to twice {@code trestle.api.ask-timeout} in a connect storm), and
 * a timeout there reset whole HTTP/2 connections, 200 edges at a time in the 10,000-edge benchmark.
 * A live stream carries a heartbeat every few seconds, so five idle minutes still close connections
 * whose peer is gone. With mutual TLS each request carries its TLS session (the ssl-session
 * attribute), whose client certificate must name the agent's cluster (EdgeClientCertificates).
 */
final class EdgePortSettings {
  private EdgePortSettings() {}

  static ServerSettings serverSettings(ActorSystem<?> system) {
    return ServerSettings.create(
        ConfigFactory.parseString(
                "pekko.http.server.request-timeout = infinite\n"
                    + "pekko.http.server.idle-timeout = 5 minutes\n"
                    + "pekko.http.server.parsing.ssl-session-attribute = on\n")
            .withFallback(system.settings().config()));
  }
}
