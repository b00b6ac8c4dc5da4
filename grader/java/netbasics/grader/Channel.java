package netbasics.grader;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The line protocol between the trusted engine and a grading worker. The worker writes one frame
 * per line on its standard output; each frame is signed with a key that the engine gave the
 * worker on its standard input before any graded class was loaded. Graded code may manage to
 * write to the same stream (it is the process's own file descriptor 1), but without the key its
 * lines are not frames: the engine ignores them, so graded code cannot forge an outcome.
 */
public final class Channel {

    private static final String MAC = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;

    private Channel(byte[] key) {
        this.key = new SecretKeySpec(key, MAC);
    }

    /** A channel with a fresh random key, for the engine's side. */
    public static Channel withNewKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new Channel(key);
    }

    /** The worker's side: the key as the engine sent it. */
    public static Channel fromKey(String hexKey) {
        return new Channel(HEX.parseHex(hexKey));
    }

    public String key() {
        return HEX.formatHex(key.getEncoded());
    }

    /** One frame: the signature, a space, the payload in base64 (so a frame is always one line). */
    public String frame(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return HEX.formatHex(sign(bytes)) + " " + Base64.getEncoder().encodeToString(bytes);
    }

    /** The payload of a line, if the line is a frame this channel signed. */
    public Optional<String> open(String line) {
        int space = line.indexOf(' ');
        if (space != 64) {
            return Optional.empty();
        }
        try {
            byte[] signature = HEX.parseHex(line, 0, space);
            byte[] payload = Base64.getDecoder().decode(line.substring(space + 1));
            return MessageDigest.isEqual(signature, sign(payload))
                    ? Optional.of(new String(payload, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IllegalArgumentException notAFrame) {
            return Optional.empty();
        }
    }

    private byte[] sign(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + MAC, e);
        }
    }
}
