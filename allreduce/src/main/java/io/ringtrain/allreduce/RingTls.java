package io.ringtrain.allreduce;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
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
 * Cost: the JDK's TLS engine encrypts at roughly 1 GB/s a core, so expect lower bandwidth than in
 * the clear; leave TLS off on a trusted network.
 */
public final class RingTls {
  private final SslContext server;
  private final SslContext client;

  private RingTls(SslContext server, SslContext client) {
    this.server = server;
    this.client = client;
  }

  /** Key and trust material from one PKCS12 (or JKS) key store, e.g. made with {@code keytool -genkeypair}. */
  public static RingTls fromKeyStore(Path keyStore, char[] password) {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password);
      return of(store, password, store);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load the TLS key store " + keyStore + ": " + e.getMessage()
          + " (expected a PKCS12 key store with the job's key pair and certificate, and its password)", e);
    }
  }

  /** Our key pair from {@code keys}; peers' certificates are checked against {@code trusted}. */
  public static RingTls of(KeyStore keys, char[] password, KeyStore trusted) {
    try {
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trusted);
      SslContext server = SslContextBuilder.forServer(keyManagers).trustManager(trustManagers)
          .clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE).protocols("TLSv1.3", "TLSv1.2").build();
      // no host-name check (Netty 4.2 turns it on for clients): ranks dial run-time IP addresses
      SslContext client = SslContextBuilder.forClient().keyManager(keyManagers).trustManager(trustManagers)
          .endpointIdentificationAlgorithm(null).protocols("TLSv1.3", "TLSv1.2").build();
      return new RingTls(server, client);
    } catch (GeneralSecurityException | SSLException e) {
      throw new IllegalArgumentException("cannot set up TLS for the ring: " + e.getMessage(), e);
    }
  }

  /** The handler an accepted connection starts with. */
  public SslHandler serverHandler(ByteBufAllocator alloc) {
    return server.newHandler(alloc);
  }

  /** The handler a dialled connection starts with. */
  public SslHandler clientHandler(ByteBufAllocator alloc) {
    return client.newHandler(alloc);
  }
}
