/**
 * What passes between the HTTP transport (http.ts) and the engine: the
 * engine's options, a request as the engine sees it (path below the API
 * root, headers, body, which root it came in on), its answer, and the counts
 * the control endpoint reports.
 */
import type { DialectName } from './dialects.ts';
import type { InventorySize } from './inventory.ts';

export interface EngineOptions extends InventorySize {
  /** Milliseconds between two steps of a state machine (down -> wait_for_launch -> ...). */
  transitionMs: number;
  /** Extra milliseconds a request authenticated by Basic (no session) costs, like a directory lookup. */
  loginCostMs: number;
  /** How long the result of an asynchronous action stays pollable. */
  actionExpiryMs: number;
  /** Events kept in the audit log. */
  maxEvents: number;
  /**
   * The engine release simulated, which its entry point reports (`product_info`):
   * `3.6` (RHEV 3.6, API v3), `4.3` (both dialects) or `4.5` (API v4 only).
   * The HTTP layer sets it from the dialects it serves.
   */
  release?: EngineRelease;
}

export type EngineRelease = '3.6' | '4.3' | '4.5';

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  datacenters: 2,
  clusters: 4,
  hosts: 8,
  vms: 300,
  templates: 4,
  seed: 1,
  transitionMs: 1000,
  loginCostMs: 0,
  actionExpiryMs: 300_000,
  maxEvents: 10_000,
};

export interface EngineRequest {
  readonly method: string;
  /** The path below the API root, such as `/vms/123;max=3`; '' for the root itself. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  /** The root the request came in on: `/api` or `/ovirt-engine/api`. */
  readonly base: string;
  /** Absolute origin, for the `Link:` header. */
  readonly origin: string;
  /** The dialect the request is answered in (http.ts chooses it from the root and the Version header); v3 when absent. */
  readonly dialect?: DialectName;
}

export interface EngineResponse {
  status: number;
  headers: Record<string, string>;
  /** The answer's text; '' when it is written as it is sent (`pieces`). */
  body: string;
  /**
   * A list's document in pieces, made one at a time as the answer is sent
   * (control.ts send): as the engine's application server does, a short one
   * goes out whole with its length, a long one as a chunked stream.
   */
  pieces?: Iterable<string>;
  /** Extra delay before answering, in ms (login cost). */
  delayMs?: number;
  /** Route pattern for statistics, e.g. `GET /vms/{id}/disks`. */
  route?: string;
}

/** Request counts the control endpoint reports. */
export class EngineStats {
  requests = 0;
  /** Bytes of response bodies sent. */
  bytes = 0;
  /** Milliseconds spent answering (finding, filtering and writing documents), latency and sending not included: the engine's own cost. */
  serveMs = 0;
  byRoute: Record<string, number> = {};
  logins = 0;
  failedLogins = 0;
  lockouts = 0;
  sessionsCreated = 0;
  /** SSO access tokens issued and revoked (API v4). */
  tokensIssued = 0;
  tokensRevoked = 0;
  actions: Record<string, number> = {};
  faultsInjected: Record<string, number> = {};

  count(route: string): void {
    this.requests++;
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
  }

  toJSON() {
    return {
      requests: this.requests,
      bytes: this.bytes,
      serveMs: Math.round(this.serveMs),
      byRoute: this.byRoute,
      logins: this.logins,
      failedLogins: this.failedLogins,
      lockouts: this.lockouts,
      sessionsCreated: this.sessionsCreated,
      tokensIssued: this.tokensIssued,
      tokensRevoked: this.tokensRevoked,
      actions: this.actions,
      faultsInjected: this.faultsInjected,
    };
  }
}
