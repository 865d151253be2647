/**
 * Who is calling: the engine's accounts, Basic credentials, the JSESSIONID
 * sessions `Prefer: persistent-auth` opens (with their TTL, the CSRF header
 * check and `new-auth`), as docs/protocol.md §3 describes, and the SSO access
 * tokens API v4 clients send as `Authorization: Bearer` (§12; sso.ts issues
 * and revokes them).
 * Failed logins are counted, as real engines count them toward a lockout.
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
  sessionsCreated: number;
  tokensIssued: number;
  tokensRevoked: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, Session>();
  private readonly accounts = new Map<string, Account>();
  /** How long an SSO token lives (ms); the engine's default is the SSO session's 30 minutes. */
  tokenTtlMs = 30 * 60_000;

  constructor(private readonly counts: LoginCounts) {
    this.reset();
  }

  /** Forgets every session; the accounts are admin@internal (an administrator) and user@internal. */
  reset(): void {
    this.sessions.clear();
    this.tokens.clear();
    this.accounts.clear();
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
    if (!account) throw unauthorized();
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

  /** An SSO access token for a user and password (the password grant), or undefined when they are refused. */
  issueToken(username: string, password: string): { token: string; expiresAt: number } | undefined {
    const name = normalizeUser(username);
    const account = this.login(name, password);
    if (!account) return undefined;
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

  /** Checks a password; counts the login, or the failure (real engines count those toward a lockout, and tests count who sends them). */
  private login(name: string, password: string): Account | undefined {
    const account = this.accounts.get(name);
    if (!account || account.password !== password) {
      this.counts.failedLogins++;
      return undefined;
    }
    this.counts.logins++;
    return account;
  }
}

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
