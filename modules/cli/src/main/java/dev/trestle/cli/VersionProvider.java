package dev.trestle.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code trestle --version}: the Implementation-Version of the CLI jar. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = TrestleCli.class.getPackage().getImplementationVersion();
    return new String[] {"trestle " + (version == null ? "(development build)" : version)};
  }
}
