/**
 * What the engine refused, remembered so that it is not asked again.
 *
 * An engine's internal domain locks an account after five failed logins in
 * a row (aaa-jdbc's default), so a server that logs in again for every
 * request of a mistyped dashboard locks the account for everyone. The rule
 * this file keeps (README, "Reliability and security"): **at most one engine
 * login per wrong credential per minute**, on every transport and dialect.
 *
 * 1. A credential is known by a key no two credentials share (`credentialKey`:
 *    a hash over the length-prefixed parts, so no choice of user name and
 *    password can be read as another's) and that shows no password.
 * 2. A caller's refused credential is refused here for `refusedMs` (60 s);
 *    then the engine may be asked once more.
 * 3. The service account is everyone's: its refusal backs off, doubling from
 *    `refusedMs` up to `maxBackoffMs` (10 minutes) while the engine keeps
 *    refusing it, and is forgotten once the engine accepts it again.
 *
 * The pool (credentials.ts) and the engine check (engine-check.ts) share one
 * memory, so neither asks the engine while the other was just refused.
 */
import { createHash } from 'node:crypto';

/** How many refusals are remembered at most (oldest forgotten first): a stranger's guesses cannot grow it without end. */
const MAX_REMEMBERED = 10_000;

/** Default of `maxBackoffMs`: the longest the service account waits between tries. */
export const MAX_SERVICE_BACKOFF_MS = 10 * 60_000;

interface Refusal {
  /** Until when the engine is not asked with this credential. */
  until: number;
  /** Refusals in a row (the service account's backoff doubles with each). */
  inARow: number;
  readonly service: boolean;
}

/** The key of a credential: whose (the service account or a caller), user and password, in a form that cannot collide or be read back. */
export function credentialKey(service: boolean, username: string, password: string): string {
  const hash = createHash('sha256');
  for (const part of [service ? 'service' : 'user', username, password]) hash.update(`${Buffer.byteLength(part)}:${part};`);
  return hash.digest('base64url');
}

export class Refusals {
  private readonly refused = new Map<string, Refusal>();

  constructor(
    private readonly refusedMs: number,
    private readonly maxBackoffMs = MAX_SERVICE_BACKOFF_MS,
  ) {}

  /** Until when the credential is refused here (undefined: the engine may be asked). */
  until(key: string, now = Date.now()): number | undefined {
    const r = this.refused.get(key);
    return r && r.until > now ? r.until : undefined;
  }

  /** The engine refused the credential: returns how long it is not asked again (ms). */
  refuse(key: string, service: boolean, now = Date.now()): number {
    const earlier = this.refused.get(key);
    const inARow = (earlier?.inARow ?? 0) + 1;
    const ms = service ? Math.min(this.maxBackoffMs, this.refusedMs * 2 ** (inARow - 1)) : this.refusedMs;
    this.refused.delete(key);
    this.refused.set(key, { until: now + ms, inARow, service });
    if (this.refused.size > MAX_REMEMBERED) this.refused.delete(this.refused.keys().next().value!);
    return ms;
  }

  /** The engine accepted the credential: its refusals are forgotten (the service account's backoff starts anew). */
  accepted(key: string): void {
    this.refused.delete(key);
  }

  /** Forgets callers' refusals that have run out (the service account's streak is kept until it is accepted). */
  sweep(now = Date.now()): void {
    for (const [k, r] of this.refused) if (!r.service && r.until <= now) this.refused.delete(k);
  }
}
