package dev.trestle.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a figure was measured on. Cores are what the JVM may use (container limits included); memory
 * is the machine's physical memory; the storage profile is the central node's.
 */
public record MachineFacts(
    int cores,
    String cpuModel,
    long memoryBytes,
    long maxHeapBytes,
    String jvm,
    List<String> jvmArguments,
    String os,
    String storageProfile,
    String database,
    String trestleCommit) {

  public static MachineFacts collect(String storageProfile, String database) {
    Runtime rt = Runtime.getRuntime();
    long memory = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    return new MachineFacts(
        rt.availableProcessors(),
        readCpuModel(),
        memory,
        rt.maxMemory(),
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")",
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        storageProfile,
        database,
        System.getProperty("trestle.bench.commit", "unknown"));
  }

  private static String readCpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** One line for humans: "2 cores (AMD EPYC …), 23.4 GiB RAM, heap max 5.9 GiB, …". */
  public String summary() {
    return cores
        + " cores ("
        + cpuModel
        + "), "
        + gib(memoryBytes)
        + " RAM, heap max "
        + gib(maxHeapBytes)
        + ", "
        + jvm
        + ", "
        + os
        + ", profile "
        + storageProfile
        + " ("
        + database
        + ")";
  }

  static String gib(long bytes) {
    return bytes < 0
        ? "unknown"
        : String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
