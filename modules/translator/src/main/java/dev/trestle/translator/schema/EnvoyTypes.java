package dev.trestle.translator.schema;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TypeRegistry;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * Every Envoy v3 message java-control-plane's {@code api} jar carries (filters, clusters,
 * listeners, extensions, TypedStruct), as the type registry {@code typed_config}'s {@code @type} is
 * resolved against. The jar's proto outer classes ({@code *Proto}) are found by listing the jar
 * once, so a filter added to the Envoy API needs no change here.
 */
final class EnvoyTypes {
  private static final Pattern OUTER_CLASS =
      Pattern.compile(
          "(io/envoyproxy/envoy/.*/v3/|com/github/xds/.*|com/github/udpa/.*)[A-Za-z0-9]+Proto\\.class");

  private EnvoyTypes() {}

  static TypeRegistry registry() {
    return Holder.REGISTRY;
  }

  private static final class Holder {
    static final TypeRegistry REGISTRY = build();
  }

  private static TypeRegistry build() {
    var builder = TypeRegistry.newBuilder();
    for (FileDescriptor file : files()) {
      builder.add(file.getMessageTypes());
    }
    return builder.build();
  }

  private static List<FileDescriptor> files() {
    var out = new ArrayList<FileDescriptor>();
    Path jar;
    try {
      jar = Path.of(Listener.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the Envoy API jar", e);
    }
    ClassLoader loader = Listener.class.getClassLoader();
    try (var entries = new JarFile(jar.toFile())) {
      var names = entries.stream().map(e -> e.getName()).sorted().toList();
      for (String name : names) {
        if (!OUTER_CLASS.matcher(name).matches()) {
          continue;
        }
        String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
        try {
          Object descriptor =
              Class.forName(className, false, loader).getMethod("getDescriptor").invoke(null);
          if (descriptor instanceof FileDescriptor file) {
            out.add(file);
          }
        } catch (ReflectiveOperationException | LinkageError e) {
          // Not a protobuf outer class after all: nothing to register.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the Envoy API jar " + jar, e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no Envoy proto descriptors found in " + jar);
    }
    return out;
  }
}
