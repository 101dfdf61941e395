package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.translator.SetHash;
import org.junit.jupiter.api.Test;

class ObjectValidatorTest {

  @Test
  void acceptsAnRe2Regex() {
    assertThat(
            ObjectValidator.problems(
                EdgeObject.fromProto(TestObjects.virtualService("shop", "web", "^/api/[a-z]+$"))))
        .isEmpty();
  }

  @Test
  void rejectsAJavaOnlyLookaheadThatEnvoyWouldRefuse() {
    assertThat(
            ObjectValidator.problems(
                EdgeObject.fromProto(TestObjects.virtualService("shop", "x", "^/(?=api)"))))
        .singleElement()
        .asString()
        .startsWith("spec.http[0].match[0].uri.regex: '^/(?=api)' is not an RE2 regex");
  }

  @Test
  void rejectsAContentHashThatIsNotTheJsons() {
    DesiredObject o =
        TestObjects.virtualService("shop", "web", "^/a").toBuilder().setContentHash("abc").build();
    assertThat(ObjectValidator.problems(EdgeObject.fromProto(o)))
        .anyMatch(p -> p.startsWith("content_hash"));
  }

  @Test
  void rejectsJsonThatIsNotJsonOrNamesAnotherObject() {
    DesiredObject base = TestObjects.virtualService("shop", "web", "^/a");
    DesiredObject broken =
        base.toBuilder().setJson("{not json").setContentHash(SetHash.content("{not json")).build();
    assertThat(ObjectValidator.problems(EdgeObject.fromProto(broken)))
        .anyMatch(p -> p.startsWith("json: not JSON"));
    DesiredObject renamed =
        base.toBuilder().setKey(base.getKey().toBuilder().setName("other")).build();
    assertThat(ObjectValidator.problems(EdgeObject.fromProto(renamed)))
        .contains("metadata.name: 'web' differs from the object key's 'other'");
  }

  @Test
  void rejectsAnEmptyNamespaceOrName() {
    DesiredObject base = TestObjects.virtualService("shop", "web", "^/a");
    DesiredObject noNs =
        base.toBuilder().setKey(base.getKey().toBuilder().setNamespace("")).build();
    assertThat(ObjectValidator.problems(EdgeObject.fromProto(noNs)))
        .contains("key: namespace and name must not be empty");
  }
}
