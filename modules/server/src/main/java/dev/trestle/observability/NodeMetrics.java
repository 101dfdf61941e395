package dev.trestle.observability;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's one Prometheus registry, per actor system, so that parts built by Pekko from
 * configuration (the metered journal) reach the same registry as those Central wires. JVM meters
 * are bound once here: memory, threads, GC, CPU, uptime, class loading, file descriptors.
 */
public final class NodeMetrics implements Extension {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public static final ExtensionId<NodeMetrics> ID =
      new ExtensionId<>() {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
          return new NodeMetrics(system);
        }
      };

  public static NodeMetrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  private NodeMetrics(ActorSystem<?> system) {
    // jvm_memory_used_bytes and jvm_threads_live_threads are what the fan-out benchmark and
    // operators size a node by; GC pauses, CPU and uptime explain latency and restarts.
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    var gc = new JvmGcMetrics();
    gc.bindTo(registry);
    // The GC binder listens to JMX notifications: stop listening with the actor system.
    system.getWhenTerminated().thenRun(gc::close);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
