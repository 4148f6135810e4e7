import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The key that signs checkpoints, and how others recognise it. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** First 16 hex digits of sha256 of the public key (SPKI DER). */
  keyId: string;
}

/**
 * Loads the Ed25519 signing key from `file`, generating one there (mode 600) when it does not exist
 * yet, as a single-machine ledger does on its first start. Production mounts the same key file into
 * every projector.
 */
export async function loadSigningKey(file: string): Promise<SigningKey> {
  let pem = await readFile(file, 'utf8').catch(() => undefined);
  if (!pem) {
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
      pem = await readFile(file, 'utf8'); // another process created it first: use theirs
    });
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  return publicParts(privateKey);
}

/** Where the key lives: the configured file, else signing-key.pem in the data folder. */
export function signingKeyFile(config: { LEDGER_SIGNING_KEY_FILE?: string; LEDGER_DATA_DIR: string }): string {
  return config.LEDGER_SIGNING_KEY_FILE ?? join(config.LEDGER_DATA_DIR, 'signing-key.pem');
}

export function publicParts(privateKey: KeyObject): SigningKey {
  return { privateKey, ...trustedKey(createPublicKey(privateKey)) };
}

/** A public key an auditor trusts, and its id; no private half. */
export interface TrustedKey {
  publicKeyPem: string;
  keyId: string;
}

/**
 * Reads the Ed25519 public key (SPKI PEM, as `ledger public-key` and GET /v1/audit/checkpoints give
 * it) that an auditor checks signatures with. A private key file is refused: an auditor should not
 * hold one, and a verification that needs it proves nothing to a third party.
 */
export async function loadPublicKey(file: string): Promise<TrustedKey> {
  const pem = await readFile(file, 'utf8').catch((e: Error) => {
    throw new Error(`cannot read the public key ${file}: ${e.message}`);
  });
  if (/PRIVATE KEY/.test(pem)) throw new Error(`${file} holds a private key: give the public key (ledger public-key > ledger.pub)`);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(`${file} is not a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 public key`);
  return trustedKey(key);
}

function trustedKey(publicKey: KeyObject): TrustedKey {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: createHash('sha256').update(der).digest('hex').slice(0, 16) };
}
