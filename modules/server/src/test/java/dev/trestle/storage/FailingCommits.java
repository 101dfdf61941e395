package dev.trestle.storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Test sessions whose commit fails (and rolls back) the first {@code failures} times a transaction
 * prepared a statement containing {@code marker} (so offset reads and other commits pass).
 */
public final class FailingCommits {
  private FailingCommits() {}

  public static Supplier<PlainJdbcSession> sessions(
      ReadModelDatabase db, String marker, AtomicInteger failures) {
    return () -> {
      Connection real;
      try {
        real = db.connection();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      var marked = new java.util.concurrent.atomic.AtomicBoolean();
      Connection proxy =
          (Connection)
              Proxy.newProxyInstance(
                  Connection.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (p, method, args) -> {
                    if (method.getName().equals("prepareStatement")
                        && ((String) args[0]).contains(marker)) {
                      marked.set(true);
                    }
                    if (method.getName().equals("commit")
                        && marked.getAndSet(false)
                        && failures.getAndDecrement() > 0) {
                      real.rollback();
                      throw new SQLException("injected commit failure");
                    }
                    try {
                      return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
      try {
        return new PlainJdbcSession(proxy);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
