package io.ringtrain.allreduce;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * Optional TLS for the ring's connections: confidentiality and integrity of the gradients on the
 * wire. Peers still prove the job secret with the HMAC handshake (inside TLS), which is what
 * admits them to the ring; TLS adds that a peer must also present a certificate from the trust
 * store, and that nobody on the network can read or alter frames.
 *
 * <p>The usual cluster set-up is one key store (PKCS12) holding the job's key pair and its
 * self-signed certificate, shipped to every executor and used as key and trust material at once
 * ({@link #fromKeyStore}). Both ends authenticate (mutual TLS). Host names are not checked: ranks
 * dial IP addresses handed out at run time, and identity comes from the certificate and the secret.
 *
 * <p>The engine is chosen here, not left to whatever Netty finds on the class path: {@link
 * Engine#OPENSSL} (BoringSSL from netty-tcnative, which this module and Spark both ship for
 * Linux and macOS on x86-64 and aarch64) where it loads, because it is the faster of the two
 * (AES-GCM with the CPU's AES instructions, on direct buffers, without the heap copies the JDK's
 * engine needs; docs/collectives.md has the figures); the JDK's engine otherwise. The two
 * interoperate, so ranks on different platforms still form one ring. The first completed
 * handshake of each {@code RingTls} logs, at INFO, the engine, protocol and cipher suite in use.
 */
public final class RingTls {
  private static final System.Logger LOG = System.getLogger(RingTls.class.getName());

  /** Which implementation of TLS encrypts the ring's connections. */
  public enum Engine {
    /** BoringSSL through netty-tcnative (native code shipped in a jar; nothing to install). */
    OPENSSL(SslProvider.OPENSSL),
    /** The JDK's own {@code SSLEngine}: the fallback where BoringSSL does not load. */
    JDK(SslProvider.JDK);

    private final SslProvider provider;

    Engine(SslProvider provider) {
      this.provider = provider;
    }

    /** OpenSSL where it loads on this platform, else the JDK's engine. */
    public static Engine preferred() {
      return OpenSsl.isAvailable() ? OPENSSL : JDK;
    }
  }

  private final SslContext server;
  private final SslContext client;
  private final Engine engine;
  private final AtomicBoolean sessionLogged = new AtomicBoolean();

  private RingTls(SslContext server, SslContext client, Engine engine) {
    this.server = server;
    this.client = client;
    this.engine = engine;
  }

  /** Key and trust material from one PKCS12 (or JKS) key store, e.g. made with {@code keytool -genkeypair}; the {@link Engine#preferred} engine. */
  public static RingTls fromKeyStore(Path keyStore, char[] password) {
    return fromKeyStore(keyStore, password, Engine.preferred());
  }

  /** As {@link #fromKeyStore(Path, char[])}, with the given engine (benchmarks and tests compare them). */
  public static RingTls fromKeyStore(Path keyStore, char[] password, Engine engine) {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password);
      return of(store, password, store, engine);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load the TLS key store " + keyStore + ": " + e.getMessage()
          + " (expected a PKCS12 key store with the job's key pair and certificate, and its password)", e);
    }
  }

  /** Our key pair from {@code keys}; peers' certificates are checked against {@code trusted}; the {@link Engine#preferred} engine. */
  public static RingTls of(KeyStore keys, char[] password, KeyStore trusted) {
    return of(keys, password, trusted, Engine.preferred());
  }

  /** As {@link #of(KeyStore, char[], KeyStore)}, with the given engine; OPENSSL where it does not load is an error naming the cause. */
  public static RingTls of(KeyStore keys, char[] password, KeyStore trusted, Engine engine) {
    if (engine == Engine.OPENSSL && !OpenSsl.isAvailable()) {
      throw new IllegalArgumentException("the OpenSSL TLS engine does not load on this platform (" + OpenSsl.unavailabilityCause()
          + "); use RingTls.Engine.JDK or Engine.preferred()");
    }
    try {
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trusted);
      SslContext server = SslContextBuilder.forServer(keyManagers).trustManager(trustManagers).sslProvider(engine.provider)
          .clientAuth(ClientAuth.REQUIRE).protocols("TLSv1.3", "TLSv1.2").build();
      // no host-name check (Netty 4.2 turns it on for clients): ranks dial run-time IP addresses
      SslContext client = SslContextBuilder.forClient().keyManager(keyManagers).trustManager(trustManagers).sslProvider(engine.provider)
          .endpointIdentificationAlgorithm(null).protocols("TLSv1.3", "TLSv1.2").build();
      return new RingTls(server, client, engine);
    } catch (GeneralSecurityException | SSLException e) {
      throw new IllegalArgumentException("cannot set up TLS for the ring: " + e.getMessage(), e);
    }
  }

  /** The engine every connection of this set-up uses. */
  public Engine engine() {
    return engine;
  }

  /** The handler an accepted connection starts with. */
  public SslHandler serverHandler(ByteBufAllocator alloc) {
    return configure(server.newHandler(alloc));
  }

  /** The handler a dialled connection starts with. */
  public SslHandler clientHandler(ByteBufAllocator alloc) {
    return configure(client.newHandler(alloc));
  }

  /** Netty's default record batching is kept: larger wrap sizes ({@code setWrapDataSize}) measured no faster. */
  private SslHandler configure(SslHandler handler) {
    handler.handshakeFuture().addListener(done -> {
      if (done.isSuccess() && sessionLogged.compareAndSet(false, true)) logSession(handler.engine().getSession());
    });
    return handler;
  }

  private void logSession(SSLSession session) {
    String library = engine == Engine.OPENSSL ? " (" + OpenSsl.versionString() + ")" : " (" + System.getProperty("java.vendor") + " " + Runtime.version() + ")";
    LOG.log(System.Logger.Level.INFO, "ring TLS: engine " + engine + library + ", " + session.getProtocol() + ", " + session.getCipherSuite());
  }
}
