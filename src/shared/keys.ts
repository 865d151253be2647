/**
 * How a credential is named in Redis: by a key that cannot be turned back
 * into the password, even by guessing.
 *
 * In memory a credential is known by a SHA-256 over its parts
 * (server/refusals.ts `credentialKey`): fast, and only this process sees it.
 * Redis is seen by every replica and by whoever can read it, and a fast hash
 * of a weak password is guessed quickly. So the name used there is scrypt
 * over that key (N 2^14, r 8, p 1: about 50 ms, once per credential per
 * process, in libuv's pool off the event loop), salted with the
 * deployment's key prefix so that two deployments never share names. Every
 * replica derives the same name for the same credential; nothing in Redis
 * leads back to it but a guess that costs scrypt each time.
 */
import { scrypt } from 'node:crypto';

const COST = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
/** Names remembered per process (oldest forgotten first): one per credential held, and more. */
const MAX_REMEMBERED = 10_000;

export class CredentialNames {
  private readonly names = new Map<string, Promise<string>>();

  constructor(private readonly salt: string) {}

  /** The Redis name of the credential whose in-memory key is `key`. */
  of(key: string): Promise<string> {
    let name = this.names.get(key);
    if (!name) {
      name = new Promise<string>((resolve, reject) =>
        scrypt(key, `rhev-graphql credential:${this.salt}`, 24, COST, (e, derived) =>
          e ? reject(e) : resolve(derived.toString('base64url')),
        ),
      );
      this.names.set(key, name);
      if (this.names.size > MAX_REMEMBERED) this.names.delete(this.names.keys().next().value!);
    }
    return name;
  }
}
