package dev.trestle.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * On a {@link FakeManagementServer} field: a new server is started into it before each test (before
 * the test's own {@code @BeforeEach} methods, which may program it) and closed after.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@ExtendWith(FakeServer.Extension.class)
@interface FakeServer {

  /** Starts and closes the servers of the annotated fields. */
  final class Extension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(FakeServer.class);

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
      var started = new ArrayList<FakeManagementServer>();
      context.getStore(NAMESPACE).put("servers", started);
      for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
        for (Field field : instance.getClass().getDeclaredFields()) {
          if (field.isAnnotationPresent(FakeServer.class)) {
            var server = new FakeManagementServer();
            started.add(server);
            field.setAccessible(true);
            field.set(instance, server);
          }
        }
      }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
      @SuppressWarnings("unchecked")
      List<FakeManagementServer> started =
          context.getStore(NAMESPACE).remove("servers", List.class);
      if (started != null) {
        for (FakeManagementServer server : started) {
          server.close();
        }
      }
    }
  }
}
