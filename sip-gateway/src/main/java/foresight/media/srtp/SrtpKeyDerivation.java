package foresight.media.srtp;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * RFC 3711 §4.3.1 key derivation with a key derivation rate of 0 (what SDES offers by default): each session key is
 * the AES-CM keystream under the master key, started at (master salt XOR label at bit 48) * 2^16.
 */
public final class SrtpKeyDerivation {
    public static final int RTP_ENCRYPTION = 0, RTP_AUTH = 1, RTP_SALT = 2, RTCP_ENCRYPTION = 3, RTCP_AUTH = 4, RTCP_SALT = 5;

    private SrtpKeyDerivation() {}

    /** {@code length} bytes of the session key with this label (§4.3.2). */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length != 14) throw new IllegalArgumentException("master salt must be 14 bytes, was " + masterSalt.length);
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, 14);
        iv[7] ^= (byte) label; // key_id = label || r (48 bits, r = 0), aligned to the salt's low end
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(iv));
            return aes.doFinal(new byte[length]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR unavailable", e);
        }
    }
}
