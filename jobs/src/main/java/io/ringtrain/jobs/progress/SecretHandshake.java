package io.ringtrain.jobs.progress;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Challenge–response proof of the job secret for the driver's progress channel: the server sends a
 * 32-byte random nonce, the client answers HMAC-SHA256(secret, "ringtrain-progress" ‖ nonce), the
 * server compares in constant time. The secret never crosses the wire.
 */
final class SecretHandshake {
    static final int NONCE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] LABEL = "ringtrain-progress".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private SecretHandshake() {}

    /** Server side; returns whether the peer proved the secret. */
    static boolean challenge(DataInputStream in, DataOutputStream out, byte[] secret) throws IOException {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        out.write(nonce);
        out.flush();
        byte[] answer = new byte[32];
        in.readFully(answer);
        return MessageDigest.isEqual(mac(secret, nonce), answer);
    }

    /** Client side. */
    static void respond(DataInputStream in, DataOutputStream out, byte[] secret) throws IOException {
        byte[] nonce = new byte[NONCE_BYTES];
        in.readFully(nonce);
        out.write(mac(secret, nonce));
        out.flush();
    }

    static byte[] mac(byte[] secret, byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(LABEL);
            return mac.doFinal(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }
}
