/**
 * Who is calling: the engine's accounts, Basic credentials, the JSESSIONID
 * sessions `Prefer: persistent-auth` opens (with their TTL, the CSRF header
 * check and `new-auth`), as docs/protocol.md §3 describes, and the SSO access
 * tokens API v4 clients send as `Authorization: Bearer` (§12; sso.ts issues
 * and revokes them).
 * Failed logins are counted, and lock an account as the engine's internal
 * domain (aaa-jdbc) does with its default settings: after
 * MAX_FAILURES_SINCE_SUCCESS (5) failed logins in a row the account is
 * locked for LOCK_MINUTES (60), during which even its right password is
 * refused; a successful login resets the count. Tests see a lockout the way
 * a real engine would cause it (`lockedAccounts` in the stats).
 */
import { randomBytes } from 'node:crypto';
import { parseBasicAuthorization } from '../http/basic.ts';
import { unauthorized } from './faults.ts';
import type { EngineRequest } from './messages.ts';
import { uuidOf } from './store.ts';

export interface Account {
  readonly password: string;
  readonly userId: string;
  readonly admin: boolean;
}

interface Session {
  readonly account: Account;
  readonly name: string;
  expires: number;
  ttlMs: number;
}

export interface Caller {
  readonly account: Account;
  readonly name: string;
  /** `Filter: true`: the caller sees only what its permissions reach. */
  readonly filtered: boolean;
}

/** What logging in did, for the stats endpoint. */
export interface LoginCounts {
  logins: number;
  failedLogins: number;
  /** Accounts locked by failed logins in a row (each lock counted once). */
  lockouts: number;
  sessionsCreated: number;
  tokensIssued: number;
  tokensRevoked: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, Session>();
  private readonly accounts = new Map<string, Account>();
  /** Failed logins in a row per account, and until when it is locked. */
  private readonly failures = new Map<string, { inARow: number; lockedUntil: number }>();
  /** How long an SSO token lives (ms); the engine's default is the SSO session's 30 minutes. */
  tokenTtlMs = 30 * 60_000;
  /** aaa-jdbc's MAX_FAILURES_SINCE_SUCCESS: failed logins in a row that lock an account (default 5). */
  maxFailuresInARow = 5;
  /** aaa-jdbc's LOCK_MINUTES, in ms: how long a locked account stays locked (default 60 minutes). */
  lockMs = 60 * 60_000;

  constructor(private readonly counts: LoginCounts) {
    this.reset();
  }

  /** Forgets every session; the accounts are admin@internal (an administrator) and user@internal. */
  reset(): void {
    this.sessions.clear();
    this.tokens.clear();
    this.accounts.clear();
    this.failures.clear();
    this.accounts.set('admin@internal', { password: 'admin', userId: uuidOf('user:admin@internal'), admin: true });
    this.accounts.set('user@internal', { password: 'user', userId: uuidOf('user:user@internal'), admin: false });
  }

  /** Basic credentials or a session cookie; returns the caller and the headers to add. */
  authenticate(req: EngineRequest, loginCostMs: number): { caller: Caller; headers: Record<string, string>; delayMs: number } {
    const prefer = (req.headers.prefer ?? '').toLowerCase();
    const persistent = prefer.includes('persistent-auth');
    const filtered = (req.headers.filter ?? '').toLowerCase() === 'true';
    const sid = cookie(req.headers.cookie, 'JSESSIONID');
    const now = Date.now();
    const headers: Record<string, string> = {};

    if (sid && !prefer.includes('new-auth')) {
      const s = this.sessions.get(sid);
      if (s && s.expires > now) {
        if (prefer.includes('csrf-protection') && req.headers.jsessionid !== sid) throw unauthorized();
        if (persistent) s.expires = now + s.ttlMs;
        else this.sessions.delete(sid); // a request without persistent-auth ends the session
        return { caller: { account: s.account, name: s.name, filtered }, headers, delayMs: 0 };
      }
      if (s) this.sessions.delete(sid);
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      const t = this.tokens.get(bearer);
      if (!t || t.expires <= now) {
        if (t) this.tokens.delete(bearer);
        throw unauthorized();
      }
      return { caller: { account: t.account, name: t.name, filtered }, headers, delayMs: 0 };
    }
    const basic = parseBasicAuthorization(req.headers.authorization);
    if (!basic) throw unauthorized();
    const name = normalizeUser(basic.username);
    const account = this.login(name, basic.password);
    if (!account || account === LOCKED) throw unauthorized();
    if (persistent) {
      const id = randomBytes(24).toString('base64url');
      const ttlMin = Number(req.headers['session-ttl']);
      const ttlMs = (Number.isFinite(ttlMin) && ttlMin > 0 ? ttlMin : 30) * 60_000;
      this.sessions.set(id, { account, name, expires: now + ttlMs, ttlMs });
      this.counts.sessionsCreated++;
      headers['set-cookie'] = `JSESSIONID=${id}; Path=${req.base}; Secure; HttpOnly`;
      headers.jsessionid = id;
    }
    return { caller: { account, name, filtered }, headers, delayMs: loginCostMs };
  }

  /** Sessions currently open (for tests and the stats endpoint). */
  get open(): number {
    return this.sessions.size;
  }

  /** SSO tokens currently valid. */
  get openTokens(): number {
    return this.tokens.size;
  }

  /** Accounts locked now, by name (for the stats endpoint and tests). */
  get lockedAccounts(): string[] {
    const now = Date.now();
    return [...this.failures].filter(([, f]) => f.lockedUntil > now).map(([name]) => name);
  }

  /**
   * An SSO access token for a user and password (the password grant);
   * undefined when they are refused, LOCKED when the account is locked.
   */
  issueToken(username: string, password: string): { token: string; expiresAt: number } | undefined | typeof LOCKED {
    const name = normalizeUser(username);
    const account = this.login(name, password);
    if (!account || account === LOCKED) return account;
    const token = randomBytes(24).toString('base64url');
    const expiresAt = Date.now() + this.tokenTtlMs;
    this.tokens.set(token, { account, name, expires: expiresAt, ttlMs: this.tokenTtlMs });
    this.counts.tokensIssued++;
    return { token, expiresAt };
  }

  /** Ends a token's validity; false when it was not valid. */
  revokeToken(token: string): boolean {
    const had = this.tokens.delete(token);
    if (had) this.counts.tokensRevoked++;
    return had;
  }

  /**
   * Checks a password, as aaa-jdbc does: a locked account is refused whatever
   * the password; a wrong password counts toward the lock; a right one resets
   * the count. Every refusal is counted (tests count who sends them).
   */
  private login(name: string, password: string): Account | undefined | typeof LOCKED {
    const account = this.accounts.get(name);
    const now = Date.now();
    const record = this.failures.get(name);
    if (account && record && record.lockedUntil > now) {
      this.counts.failedLogins++;
      return LOCKED;
    }
    if (!account || account.password !== password) {
      this.counts.failedLogins++;
      if (account) this.countFailure(name, now);
      return undefined;
    }
    this.failures.delete(name);
    this.counts.logins++;
    return account;
  }

  private countFailure(name: string, now: number): void {
    const record = this.failures.get(name) ?? { inARow: 0, lockedUntil: 0 };
    // A lock that ran out starts the count anew.
    if (record.lockedUntil && record.lockedUntil <= now) Object.assign(record, { inARow: 0, lockedUntil: 0 });
    record.inARow++;
    if (record.inARow >= this.maxFailuresInARow) {
      record.lockedUntil = now + this.lockMs;
      this.counts.lockouts++;
    }
    this.failures.set(name, record);
  }
}

/** What a login to a locked account gets, told apart from a wrong password (the SSO service says which). */
export const LOCKED = Symbol('locked');

function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** `DOMAIN\user` and `user@domain` name the same account. */
function normalizeUser(user: string): string {
  const bs = user.indexOf('\\');
  return bs >= 0 ? `${user.slice(bs + 1)}@${user.slice(0, bs)}` : user;
}
