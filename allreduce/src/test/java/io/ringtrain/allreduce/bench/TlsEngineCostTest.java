package io.ringtrain.allreduce.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.OpenSsl;
import io.ringtrain.allreduce.RingTls;
import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine measurement behind the bench's {@code tls_cost_floor} lines really encrypts and decrypts. */
class TlsEngineCostTest {
  @TempDir static Path keys;

  @Test
  void everyByteWrappedIsUnwrappedUnchangedThroughBothEngines() throws Exception {
    File store = AllReduceBench.makeKeyStore(keys.toFile());
    int bytes = (1 << 20) + 12345; // not a whole number of records
    for (RingTls.Engine engine : OpenSsl.isAvailable() ? RingTls.Engine.values() : new RingTls.Engine[] {RingTls.Engine.JDK}) {
      RingTls tls = RingTls.fromKeyStore(store.toPath(), BenchRankMain.TLS_PASSWORD.toCharArray(), engine);
      double millis = TlsEngineCost.wrapAndUnwrapMillis(tls, bytes, 2); // throws when a byte differs
      assertTrue(millis > 0 && Double.isFinite(millis), engine + ": " + millis + " ms");
    }
  }
}
