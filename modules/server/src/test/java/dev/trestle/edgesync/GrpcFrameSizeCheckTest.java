package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class GrpcFrameSizeCheckTest {
  private static ByteString frame(long declared, int payload) {
    byte[] b = new byte[5 + payload];
    b[1] = (byte) (declared >>> 24);
    b[2] = (byte) (declared >>> 16);
    b[3] = (byte) (declared >>> 8);
    b[4] = (byte) declared;
    return ByteString.fromArray(b);
  }

  @Test
  void framesWithinTheLimitPassUnchangedHoweverTheBytesAreSplit() {
    var check = new GrpcFrameSizeCheck(10);
    ByteString two = frame(10, 10).concat(frame(3, 3));
    for (int i = 0; i < two.length(); i++) {
      ByteString one = two.slice(i, i + 1);
      assertThat(check.inspect(one)).isEqualTo(one);
    }
  }

  @Test
  void aHeaderDeclaringMoreThanTheLimitFailsAtOnceEvenUnsignedAboveTwoGigabytes() {
    assertThatThrownBy(() -> new GrpcFrameSizeCheck(10).inspect(frame(11, 0)))
        .isInstanceOf(EdgePortErrors.FrameTooLarge.class)
        .hasMessageContaining("11 bytes");
    assertThatThrownBy(() -> new GrpcFrameSizeCheck(10).inspect(frame(0xffffffffL, 0)))
        .hasMessageContaining("4294967295 bytes");
    // the second frame's header, after a complete first frame
    var check = new GrpcFrameSizeCheck(10);
    check.inspect(frame(4, 4));
    assertThatThrownBy(() -> check.inspect(frame(0x7fffffffL, 0)))
        .hasMessageContaining("2147483647 bytes");
  }
}
