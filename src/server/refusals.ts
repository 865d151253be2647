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
 * 4. Five different wrong passwords for one user are five credentials, and
 *    lock the account as surely as one tried five times. So refusals are
 *    also counted per user name (as the engine names users: case aside,
 *    `DOMAIN\user` is `user@domain`): after `MAX_REFUSED_PER_USER` (3, below
 *    the engine's 5) within `USER_WINDOW_MS` (60 minutes, the engine's lock
 *    time), a credential of that user the engine has not accepted lately is
 *    answered 401 here until the hour since the first of them ends. The
 *    engine accepting the user clears the count; credentials it accepted
 *    keep working. The price: a person who mistyped three times waits up to
 *    an hour to use this server, not the engine's hour of lockout for
 *    everyone.
 *
 * The pool (credentials.ts) and the engine check (engine-check.ts) share one
 * memory, so neither asks the engine while the other was just refused.
 */
import { createHash } from 'node:crypto';

/** How many refusals are remembered at most (oldest forgotten first): a stranger's guesses cannot grow it without end. */
const MAX_REMEMBERED = 10_000;

/** Default of `maxBackoffMs`: the longest the service account waits between tries. */
export const MAX_SERVICE_BACKOFF_MS = 10 * 60_000;

/** Refused logins of one user name, whatever the password, before new credentials of that user wait (rule 4). */
export const MAX_REFUSED_PER_USER = 3;

/** How long rule 4 counts a user's refusals: the engine's lock time (aaa-jdbc LOCK_MINUTES). */
export const USER_WINDOW_MS = 60 * 60_000;

/** A user name as the engine tells users apart: case aside, `DOMAIN\user` is `user@domain`. */
export function userKey(username: string): string {
  const bs = username.indexOf('\\');
  return (bs >= 0 ? `${username.slice(bs + 1)}@${username.slice(0, bs)}` : username).toLowerCase();
}

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
  /** Refused logins per user name (rule 4): how many, since when. */
  private readonly byUser = new Map<string, { count: number; since: number }>();
  /** Credentials the engine accepted, by key, and when (exempt from rule 4 within its window). */
  private readonly acceptedAt = new Map<string, number>();

  constructor(
    private readonly refusedMs: number,
    private readonly maxBackoffMs = MAX_SERVICE_BACKOFF_MS,
  ) {}

  /** Until when the credential is refused here (undefined: the engine may be asked). */
  until(key: string, now = Date.now()): number | undefined {
    const r = this.refused.get(key);
    return r && r.until > now ? r.until : undefined;
  }

  /**
   * Until when a credential of `username` is answered here because its user
   * was refused too often lately (rule 4); undefined when the engine may be
   * asked (the user is not over the count, or this very credential was
   * accepted within the window).
   */
  userUntil(username: string, key: string, now = Date.now()): number | undefined {
    const u = this.byUser.get(userKey(username));
    if (!u || u.count < MAX_REFUSED_PER_USER || now - u.since >= USER_WINDOW_MS) return undefined;
    const accepted = this.acceptedAt.get(key);
    return accepted !== undefined && now - accepted < USER_WINDOW_MS ? undefined : u.since + USER_WINDOW_MS;
  }

  /** The engine refused the credential: returns how long it is not asked again (ms). */
  refuse(key: string, service: boolean, now = Date.now(), username?: string): number {
    if (username !== undefined) this.countForUser(userKey(username), now);
    this.acceptedAt.delete(key);
    const earlier = this.refused.get(key);
    const inARow = (earlier?.inARow ?? 0) + 1;
    const ms = service ? Math.min(this.maxBackoffMs, this.refusedMs * 2 ** (inARow - 1)) : this.refusedMs;
    this.refused.delete(key);
    this.refused.set(key, { until: now + ms, inARow, service });
    if (this.refused.size > MAX_REMEMBERED) this.refused.delete(this.refused.keys().next().value!);
    return ms;
  }

  /** The engine accepted the credential: its refusals, and its user's, are forgotten (the service account's backoff starts anew). */
  accepted(key: string, username?: string, now = Date.now()): void {
    this.refused.delete(key);
    if (username !== undefined) this.byUser.delete(userKey(username));
    this.acceptedAt.delete(key);
    this.acceptedAt.set(key, now);
    if (this.acceptedAt.size > MAX_REMEMBERED) this.acceptedAt.delete(this.acceptedAt.keys().next().value!);
  }

  /**
   * Another replica was refused this credential (shared/refusals.ts): it is
   * refused here too until `until`, without this replica asking the engine.
   */
  adopt(key: string, service: boolean, until: number): void {
    const earlier = this.refused.get(key);
    if (earlier && earlier.until >= until) return;
    this.refused.set(key, { until, inARow: earlier?.inARow ?? 1, service });
    if (this.refused.size > MAX_REMEMBERED) this.refused.delete(this.refused.keys().next().value!);
  }

  /** Another replica's count of a user's refusals (rule 4), when higher than ours. */
  adoptUser(username: string, count: number, since: number): void {
    const user = userKey(username);
    const u = this.byUser.get(user);
    if (!u || u.count < count) this.byUser.set(user, { count, since: Math.min(since, u?.since ?? since) });
  }

  /** Forgets what has run out (the service account's streak is kept until it is accepted). */
  sweep(now = Date.now()): void {
    for (const [k, r] of this.refused) if (!r.service && r.until <= now) this.refused.delete(k);
    for (const [u, c] of this.byUser) if (now - c.since >= USER_WINDOW_MS) this.byUser.delete(u);
    for (const [k, at] of this.acceptedAt) if (now - at >= USER_WINDOW_MS) this.acceptedAt.delete(k);
  }

  private countForUser(user: string, now: number): void {
    const u = this.byUser.get(user);
    if (!u || now - u.since >= USER_WINDOW_MS) this.byUser.set(user, { count: 1, since: now });
    else u.count++;
    if (this.byUser.size > MAX_REMEMBERED) this.byUser.delete(this.byUser.keys().next().value!);
  }
}
