package dev.trestle.app;

import java.nio.file.Path;
import java.util.Optional;

/** Command-line overrides for the central server; empty values fall back to the config file. */
public record ServerArgs(
    Optional<Path> configFile,
    Optional<Path> dataDir,
    Optional<Integer> apiPort,
    Optional<Integer> edgePort,
    Optional<Integer> managementPort,
    boolean insecureDev,
    Optional<String> profile,
    Optional<Integer> clusterPort) {

  public ServerArgs(
      Optional<Path> configFile,
      Optional<Path> dataDir,
      Optional<Integer> apiPort,
      Optional<Integer> edgePort,
      Optional<Integer> managementPort) {
    this(
        configFile,
        dataDir,
        apiPort,
        edgePort,
        managementPort,
        false,
        Optional.empty(),
        Optional.empty());
  }

  public ServerArgs(
      Optional<Path> configFile,
      Optional<Path> dataDir,
      Optional<Integer> apiPort,
      Optional<Integer> edgePort,
      Optional<Integer> managementPort,
      boolean insecureDev) {
    this(
        configFile,
        dataDir,
        apiPort,
        edgePort,
        managementPort,
        insecureDev,
        Optional.empty(),
        Optional.empty());
  }

  public static ServerArgs defaults() {
    return new ServerArgs(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public ServerArgs withInsecureDev(boolean value) {
    return new ServerArgs(
        configFile, dataDir, apiPort, edgePort, managementPort, value, profile, clusterPort);
  }

  /** {@code --profile NAME}: the storage profile (trestle.storage.profile). */
  public ServerArgs withProfile(Optional<String> value) {
    return new ServerArgs(
        configFile, dataDir, apiPort, edgePort, managementPort, insecureDev, value, clusterPort);
  }

  /** {@code --cluster-port}: the Pekko remoting port other central nodes reach this one at. */
  public ServerArgs withClusterPort(Optional<Integer> value) {
    return new ServerArgs(
        configFile, dataDir, apiPort, edgePort, managementPort, insecureDev, profile, value);
  }
}
