/**
 * Who is calling: the engine's accounts, Basic credentials, and the
 * JSESSIONID sessions `Prefer: persistent-auth` opens (with their TTL, the
 * CSRF header check and `new-auth`), as docs/protocol.md §3 describes.
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
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly accounts = new Map<string, Account>();

  constructor(private readonly counts: LoginCounts) {
    this.reset();
  }

  /** Forgets every session; the accounts are admin@internal (an administrator) and user@internal. */
  reset(): void {
    this.sessions.clear();
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
    const basic = parseBasicAuthorization(req.headers.authorization);
    if (!basic) throw unauthorized();
    const name = normalizeUser(basic.username);
    const account = this.accounts.get(name);
    if (!account || account.password !== basic.password) {
      // Real engines count these toward locking the account out; so do tests of who sends them.
      this.counts.failedLogins++;
      throw unauthorized();
    }
    this.counts.logins++;
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
