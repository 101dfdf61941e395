package dev.trestle.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fields a typed fabric8 model object did not know. fabric8's models keep unknown YAML fields in an
 * "additionalProperties" map instead of failing (a Kubernetes API server would drop or refuse
 * them), so a typo such as "replica: 3" parses silently; this walks the object graph and names
 * every such field with its path.
 */
final class UnknownFields {
  private UnknownFields() {}

  static List<String> find(Object model) {
    var out = new ArrayList<String>();
    walk(model, "", out, Collections.newSetFromMap(new IdentityHashMap<>()));
    return out;
  }

  private static void walk(Object value, String path, List<String> out, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    if (value instanceof Iterable<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Class<?> c = value.getClass();
        c != null && c.getName().startsWith("io.fabric8.");
        c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        Object fieldValue = read(field, value);
        if (field.getName().equals("additionalProperties")) {
          if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
            out.add(
                (path.isEmpty() ? "(top level)" : path.substring(1))
                    + ": unknown field(s) "
                    + extra.keySet());
          }
        } else {
          walk(fieldValue, path + "." + field.getName(), out, seen);
        }
      }
    }
  }

  private static Object read(Field field, Object owner) {
    try {
      field.setAccessible(true);
      return field.get(owner);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + field + ": " + e, e);
    }
  }
}
