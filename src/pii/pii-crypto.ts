import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * Personal information at rest (PIPL): ID numbers and phones are stored encrypted (AES-256-GCM) and
 * found through a keyed hash (HMAC-SHA256), never as plain searchable columns. Both keys derive from
 * the one PII_KEY, each for its own purpose (HKDF).
 */
export interface PiiCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** Deterministic lookup key: equal inputs give equal hashes; without the key they reveal nothing. */
  lookupHash(kind: "id" | "phone", plain: string): string;
}

export function createPiiCipher(masterKey: Buffer): PiiCipher {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), info, 32));
  const encryptionKey = derive("jiuye-bangfu pii encryption v1");
  const hmacKey = derive("jiuye-bangfu pii lookup v1");
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      // v1.<iv>.<tag>.<ciphertext>, base64url: readable in a dump, opaque without the key.
      return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("not a sealed value");
      const decipher = createDecipheriv("aes-256-gcm", encryptionKey, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    },
    lookupHash(kind, plain) {
      return createHmac("sha256", hmacKey).update(`${kind}:${plain}`).digest("hex");
    },
  };
}
