package dev.trestle.edge;

import dev.trestle.edge.telemetry.EdgeTelemetry;
import dev.trestle.edge.telemetry.TelemetryOptions;
import dev.trestle.edge.telemetry.TelemetrySettings;
import dev.trestle.edge.telemetry.TelemetryStatus;
import dev.trestle.protocol.Durations;
import dev.trestle.xds.GatewayTls;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trestle edge}: runs one cluster's edge agent in this process until SIGTERM/SIGINT. */
@Command(
    name = "edge",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = EdgeCommand.Version.class,
    description = {
      "Run the edge agent of one cluster: keep a stream to central open, apply the cluster's",
      "desired state (YAML files by default, or Kubernetes with --kube), report its inventory, and",
      "keep the last good state on disk so the cluster keeps it while central is unreachable.",
      "The token is read from --token-file on every connect and never printed."
    },
    footer = {
      "",
      "Examples:",
      "  trestle edge --cluster c1 --central 127.0.0.1:9081 --token-file c1.token \\",
      "      --inventory examples/edge/c1-inventory.yaml --status-port 0",
      "  trestle edge --cluster organizations/acme/clusters/eu-west-1a \\",
      "      --central central-0.example:9081,central-1.example:9081,central-2.example:9081 \\",
      "      --token-file /etc/trestle/token --kube --ca-file /etc/trestle/ca.pem"
    })
public final class EdgeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "NAME",
      description =
          "The cluster's name (or FQN organizations/ORG/clusters/NAME) as central knows it.")
  String cluster;

  @Option(
      names = "--central",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "Central's edge-sync address, or the addresses of several central nodes separated by"
              + " commas: when a stream breaks the agent moves on to the next (default:"
              + " 127.0.0.1:9081; port 9081 if omitted).")
  String central = "127.0.0.1:" + EdgeSettings.DEFAULT_CENTRAL_PORT;

  @Option(
      names = "--token-file",
      required = true,
      paramLabel = "FILE",
      description =
          "File holding the cluster's join token ('trestle cluster token NAME'). Must exist and not"
              + " be empty.")
  Path tokenFile;

  @Option(
      names = "--inventory",
      paramLabel = "FILE",
      description =
          "Inventory YAML (see modules/edge/README.md); re-read when it changes. Wins over --kube's"
              + " inventory.")
  Path inventory;

  @Option(
      names = "--allow-empty-inventory",
      description =
          "Report an inventory with no namespaces/services, or one that loses every service at"
              + " once, to central. Without it such an inventory (a truncated file, an API server"
              + " answering nothing) is suspect: the last good one is kept and the problem shown.")
  boolean allowEmptyInventory;

  @Option(
      names = "--out-dir",
      paramLabel = "DIR",
      description = "Where the YAML files go when not --kube (default: ./edge/<cluster>/out).")
  Path outDir;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Where the last good state is kept (default: ./edge/<cluster>/state).")
  Path stateDir;

  @Option(
      names = "--kube",
      description =
          "Apply to Kubernetes (server-side apply, field manager trestle-edge) and read the"
              + " inventory from its Namespaces, Services and Endpoints; kubeconfig or in-cluster"
              + " config.")
  boolean kube;

  @Option(
      names = "--no-dry-run",
      description = "With --kube: skip the server-side dry run of each version before applying it.")
  boolean noDryRun;

  @Option(
      names = "--tls",
      description = "TLS to central, trusting the system CAs (default for non-loopback hosts).")
  boolean tls;

  @Option(
      names = "--ca-file",
      paramLabel = "PEM",
      description =
          "TLS to central, trusting the certificate(s) in this PEM file (e.g. central's"
              + " <data-dir>/tls/ca.pem).")
  Path caFile;

  @Option(
      names = "--cert",
      paramLabel = "PEM",
      description = "Client certificate (chain) for mutual TLS; needs --key.")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "PEM",
      description = "Client private key (PKCS#8 PEM) for mutual TLS; needs --cert.")
  Path key;

  @Option(
      names = "--insecure-plaintext",
      description =
          "Allow plaintext to a non-loopback central (never across a network you do not trust).")
  boolean insecurePlaintext;

  @Option(
      names = "--takeover",
      description =
          "On the first connect, replace the cluster's session even when another agent holds it"
              + " (e.g. its host is gone). Without it central refuses a second agent for a"
              + " cluster while the first is connected and healthy.")
  boolean takeover;

  @Option(
      names = "--status-port",
      paramLabel = "PORT",
      description =
          "Serve GET /status on 127.0.0.1:PORT (0 = any free port, written to"
              + " <state-dir>/status.port). Default: off.")
  Integer statusPort;

  @Option(
      names = "--max-backoff",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Cap of the reconnect delay (exponential from 200ms, full jitter), e.g. 5s, 2m (default:"
              + " 30s).")
  Duration maxBackoff = Backoff.DEFAULT_CAP;

  @Option(
      names = "--xds-port",
      paramLabel = "PORT",
      description =
          "Serve xDS (ADS, Envoy v3) for Envoy and proxyless gRPC clients on this port (0 = any"
              + " free port, written to <state-dir>/xds.port). Default: 18000, skipped with a"
              + " warning when taken.")
  Integer xdsPort;

  @Option(
      names = "--xds-address",
      paramLabel = "ADDRESS",
      description =
          "Address the xDS server binds (default: 127.0.0.1; 0.0.0.0 for clients on other hosts).")
  String xdsAddress = EdgeSettings.DEFAULT_XDS_HOST;

  @Option(names = "--no-xds", description = "Do not serve xDS.")
  boolean noXds;

  @Option(
      names = "--xds-gateway-tls",
      paramLabel = "PROVIDER",
      description =
          "Proxyless clients reach other clusters' east-west gateways over mutual TLS, with"
              + " the certificate provider instance PROVIDER of their xDS bootstrap (e.g."
              + " default) and XdsChannelCredentials. Off: plaintext.")
  String xdsGatewayTls;

  @Mixin TelemetryOptions telemetry = new TelemetryOptions();

  @Override
  public Integer call() throws Exception {
    EdgeSettings settings = settings();
    TelemetrySettings telemetrySettings;
    try {
      telemetrySettings = telemetry.settings(kube, Optional.ofNullable(inventory));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    EdgeStatus status = null;
    KubernetesClient kubeClient = null;
    ApplyTarget target;
    InventorySource inventorySource;
    if (kube) {
      kubeClient = new KubernetesClientBuilder().build();
      target = new KubernetesTarget(kubeClient, !noDryRun);
    } else {
      target = new DirectoryTarget(settings.outDir(), settings.cluster());
    }
    status = new EdgeStatus(settings.cluster(), target.describe(), Clock.systemUTC());
    EdgeStatus st = status;
    if (inventory != null) {
      try {
        inventorySource = FileInventory.open(inventory, allowEmptyInventory, st);
      } catch (InventoryException e) {
        target.close();
        throw new ParameterException(spec.commandLine(), "--inventory: " + e.getMessage());
      }
    } else if (kubeClient != null) {
      inventorySource = new KubernetesInventory(kubeClient, allowEmptyInventory, st);
    } else {
      LOG.warn(
          "no --inventory and no --kube: reporting an EMPTY inventory (no namespaces, services or"
              + " gateways)");
      inventorySource = InventorySource.empty();
    }
    var agent =
        new EdgeAgent(
            settings, target, inventorySource, status, new SecureRandom(), Clock.systemUTC());
    if (takeover) {
      agent.takeOverOnFirstConnect();
    }
    var telemetryStatus = new TelemetryStatus(Clock.systemUTC());
    EdgeTelemetry edgeTelemetry =
        EdgeTelemetry.start(
            telemetrySettings,
            settings.cluster(),
            agent.agentInstance(),
            agent::centralChannel,
            // Telemetry presents what the sync stream presents: after a single-use token, the
            // agent's own (the token file's is spent).
            () -> new SessionCredential(settings.stateDir()).current(settings.tokenFile()).token(),
            kubeClient,
            telemetryStatus,
            Clock.systemUTC());
    if (edgeTelemetry != null) {
      st.telemetry(telemetryStatus);
    }
    Thread hook =
        new Thread(
            () -> {
              if (edgeTelemetry != null) {
                edgeTelemetry.close();
              }
              agent.close();
            },
            "edge-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    agent.start();
    agent.awaitTermination();
    return 0;
  }

  /** Checks the flags and builds the settings; a bad flag is a usage error naming it. */
  EdgeSettings settings() {
    if (cluster.isBlank()) {
      throw usage("--cluster must not be empty");
    }
    List<CentralAddress> centrals;
    try {
      centrals = CentralAddress.parseList(central, EdgeSettings.DEFAULT_CENTRAL_PORT);
    } catch (IllegalArgumentException e) {
      throw usage("--central " + e.getMessage());
    }
    try {
      TokenFile.read(tokenFile);
    } catch (IllegalArgumentException e) {
      throw usage("--token-file: " + e.getMessage());
    }
    if (inventory != null && !Files.isRegularFile(inventory)) {
      throw usage("--inventory " + inventory + ": no such file");
    }
    if (statusPort != null && (statusPort < 0 || statusPort > 65535)) {
      throw usage("--status-port " + statusPort + " is not a port (0-65535)");
    }
    if (xdsPort != null && (xdsPort < 0 || xdsPort > 65535)) {
      throw usage("--xds-port " + xdsPort + " is not a port (0-65535)");
    }
    if (xdsAddress.isBlank()) {
      throw usage("--xds-address must not be empty");
    }
    if (maxBackoff.compareTo(Backoff.DEFAULT_INITIAL) < 0) {
      throw usage("--max-backoff must be at least " + Backoff.DEFAULT_INITIAL.toMillis() + "ms");
    }
    EdgeTransport transport;
    try {
      transport =
          EdgeTransport.choose(
              centrals.stream().map(CentralAddress::host).toList(),
              tls,
              Optional.ofNullable(caFile),
              Optional.ofNullable(cert),
              Optional.ofNullable(key),
              insecurePlaintext);
      transport.credentials(); // reads and checks the PEM files now
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    String dirName = EdgeSettings.shortName(cluster);
    Path base = Path.of("edge", dirName);
    var settings =
        new EdgeSettings(
            cluster.strip(),
            centrals,
            tokenFile,
            Optional.ofNullable(inventory),
            outDir != null ? outDir : base.resolve("out"),
            stateDir != null ? stateDir : base.resolve("state"),
            kube,
            transport,
            Optional.ofNullable(statusPort),
            Backoff.DEFAULT_INITIAL,
            maxBackoff,
            EdgeSettings.DEFAULT_STABLE_AFTER,
            agentVersion());
    if (noXds) {
      return settings;
    }
    var withXds =
        settings.withXds(
            xdsAddress.strip(),
            xdsPort == null ? EdgeSettings.DEFAULT_XDS_PORT : xdsPort,
            EdgeSettings.DEFAULT_XDS_REFRESH,
            xdsPort == null);
    if (xdsGatewayTls == null) {
      return withXds;
    }
    try {
      return withXds.withXdsGatewayTls(new GatewayTls(xdsGatewayTls.strip()));
    } catch (IllegalArgumentException e) {
      throw usage("--xds-gateway-tls: " + e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  static String agentVersion() {
    String v = EdgeCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Durations as Trestle reads them everywhere ({@link Durations}: 250ms, 10s, 2m, 1h, 1m30s), any
   * letter case, or ISO-8601 (PT30S). Also the load tests' duration options.
   */
  public static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.strip();
      return Durations.parse(text.toLowerCase(Locale.ROOT))
          .or(() -> iso8601(text))
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "'" + value + "' is not a duration such as 500ms, 30s, 2m"));
    }

    private static Optional<Duration> iso8601(String text) {
      try {
        return Optional.of(Duration.parse(text.toUpperCase(Locale.ROOT)));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trestle edge " + agentVersion()};
    }
  }

  /** Standalone entry point: {@code java -cp ... dev.trestle.edge.EdgeCommand ARGS}. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new EdgeCommand()).execute(args));
  }
}
