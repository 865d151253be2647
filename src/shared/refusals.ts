/**
 * Refused credentials, remembered by the whole deployment: one engine login
 * per wrong credential per minute however many replicas there are
 * (server/refusals.ts keeps the rule for one process; this extends it).
 *
 * 1. A refusal is put in Redis under the credential's scrypt name (keys.ts)
 *    for as long as the replica that met it refuses it (`refused:<name>`),
 *    and counted for its user (`user:<hash>`, rule 4 of refusals.ts).
 * 2. Before a replica tries a credential it does not hold, it looks there:
 *    a refusal found is adopted (answered 401 here without asking the
 *    engine), and so is a user over the count.
 * 3. Two replicas meeting a new credential at the same moment must not both
 *    try it: the first takes `trying:<name>` (for `tryingMs`), the others
 *    wait for its outcome. Refused: they adopt the refusal. Accepted (the
 *    mark is dropped): they go on and log in with it themselves (sessions
 *    are each replica's own). A replica that takes the mark looks for a
 *    refusal once more: one that landed after its first look dropped the
 *    mark with it, which is how this one could take it.
 *
 * With Redis away each replica keeps the rule alone (one login per wrong
 * credential per minute per replica), as without Redis.
 */
import { createHash } from 'node:crypto';
import { MAX_REFUSED_PER_USER, type Refusals, USER_WINDOW_MS, userKey } from '../server/refusals.ts';
import type { CredentialNames } from './keys.ts';
import type { SharedStore } from './store.ts';

/** How often a replica waiting for another's login looks for its outcome. */
const LOOK_MS = 50;

export class SharedRefusals {
  constructor(
    private readonly store: SharedStore,
    private readonly names: CredentialNames,
    private readonly local: Refusals,
    /** The longest one replica's first login with a credential may take (the engine's request timeout). */
    private readonly tryingMs: number,
  ) {}

  /** Before this replica tries a credential it does not hold (see 2 and 3); the local memory then decides. */
  async admit(key: string, username: string, service: boolean): Promise<void> {
    if (!this.store.up) return;
    const name = await this.names.of(key);
    if (await this.adoptRefusal(key, name, service)) return;
    if (!service) await this.adoptUser(username);
    const trying = this.store.key('trying', name);
    const mark = await this.store.attempt((r) => r.set(trying, '1', 'PX', this.tryingMs, 'NX'));
    if (mark !== null) {
      // Ours to try (or Redis is away); unless another replica's refusal landed between the look above
      // and the mark (it drops its mark with the refusal, so ours could be taken): then that refusal holds.
      if (await this.adoptRefusal(key, name, service)) await this.store.attempt((r) => r.del(trying));
      return;
    }
    const deadline = Date.now() + this.tryingMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, LOOK_MS));
      if (await this.adoptRefusal(key, name, service)) return;
      if (!(await this.store.attempt((r) => r.exists(this.store.key('trying', name))))) return;
    }
  }

  /** The engine refused the credential here, for `ms`: every replica is told (see 1). */
  async refused(key: string, username: string, service: boolean, ms: number): Promise<void> {
    const name = await this.names.of(key);
    const user = this.userName(username);
    await this.store.attempt((r) => {
      const m = r.multi().set(this.store.key('refused', name), '1', 'PX', ms).del(this.store.key('trying', name));
      if (!service) m.hincrby(user, 'count', 1).hsetnx(user, 'since', Date.now()).pexpire(user, USER_WINDOW_MS, 'NX');
      return m.exec();
    });
  }

  /** The engine accepted the credential here: the others waiting on it go on, and its user's count ends. */
  async accepted(key: string, username: string): Promise<void> {
    const name = await this.names.of(key);
    await this.store.attempt((r) => r.del(this.store.key('trying', name), this.userName(username)));
  }

  /** A refusal of the credential in Redis, adopted here; true when there was one. */
  private async adoptRefusal(key: string, name: string, service: boolean): Promise<boolean> {
    const left = await this.store.attempt((r) => r.pttl(this.store.key('refused', name)));
    if (left === undefined || left <= 0) return false;
    this.local.adopt(key, service, Date.now() + left);
    return true;
  }

  private async adoptUser(username: string): Promise<void> {
    const u = await this.store.attempt((r) => r.hgetall(this.userName(username)));
    const count = Number(u?.count ?? 0);
    if (count >= MAX_REFUSED_PER_USER) this.local.adoptUser(username, count, Number(u?.since ?? Date.now()));
  }

  /** A user's key: a hash of the name as the engine tells users apart (no user names in Redis either). */
  private userName(username: string): string {
    return this.store.key('user', createHash('sha256').update(userKey(username)).digest('base64url'));
  }
}
