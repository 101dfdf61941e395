package dev.trestle.translator.schema;

import com.networknt.schema.path.NodePath;

/** Field paths as Kubernetes prints them: {@code spec.http[0].route}. */
final class FieldPath {
  private FieldPath() {}

  static String of(NodePath location) {
    var sb = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        sb.append('[').append(index).append(']');
      } else {
        sb.append(sb.isEmpty() ? "" : ".").append(element);
      }
    }
    return sb.toString();
  }
}
