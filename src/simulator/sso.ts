/**
 * The engine's single sign-on service as API v4 clients use it
 * (docs/protocol.md §12):
 *
 * - `POST /ovirt-engine/sso/oauth/token` with the form fields
 *   `grant_type=password`, `scope=ovirt-app-api`, `username`, `password`
 *   answers `{"access_token": …, "token_type": "bearer", "scope": …, "exp": …}`;
 *   the token then goes with every API request as `Authorization: Bearer`.
 *   A refusal is a JSON `{"error_code": …, "error": …}` with status 400.
 * - `/ovirt-engine/services/sso-logout` with `token` (query or form) ends
 *   the token; the engine answers the same whether it was valid or not.
 *
 * Tokens are not refreshed: an expired one gets 401 and the client asks for
 * a new one. Parameters are read from the query and the form body alike, as
 * the engine's servlet reads them.
 */
import { LOCKED, type Sessions } from './sessions.ts';

export const SSO_TOKEN_PATH = '/ovirt-engine/sso/oauth/token';
export const SSO_LOGOUT_PATH = '/ovirt-engine/services/sso-logout';
const SCOPE = 'ovirt-app-api';

export interface SsoAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Answers a request to one of the SSO paths; undefined for any other path. */
export function ssoAnswer(
  sessions: Sessions,
  method: string,
  path: string,
  query: URLSearchParams,
  contentType: string,
  body: string,
): SsoAnswer | undefined {
  if (path !== SSO_TOKEN_PATH && path !== SSO_LOGOUT_PATH) return undefined;
  const params = new URLSearchParams(query);
  if (contentType.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
  }
  if (path === SSO_LOGOUT_PATH) {
    const token = params.get('token');
    if (token) sessions.revokeToken(token);
    return json(200, {});
  }
  if (method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: '' };
  if (params.get('grant_type') !== 'password') {
    return json(400, { error_code: 'unsupported_grant_type', error: `Unsupported grant type: ${params.get('grant_type') ?? '(none)'}` });
  }
  if (!(params.get('scope') ?? '').split(' ').includes(SCOPE)) {
    return json(400, { error_code: 'invalid_scope', error: `The scope must include ${SCOPE}` });
  }
  const username = params.get('username') ?? '';
  const issued = sessions.issueToken(username, params.get('password') ?? '');
  if (issued === LOCKED) {
    // The engine's words for a login to a locked or disabled account (AppErrors USER_FAILED_TO_AUTHENTICATE_ACCOUNT_IS_LOCKED_OR_DISABLED).
    return json(400, { error_code: 'access_denied', error: 'Authentication failed. The user is either locked or disabled' });
  }
  if (!issued) {
    return json(400, {
      error_code: 'access_denied',
      error: `Cannot authenticate user '${username}': The username or password is incorrect.`,
    });
  }
  return json(200, { access_token: issued.token, token_type: 'bearer', scope: SCOPE, exp: String(issued.expiresAt) });
}

function json(status: number, value: object): SsoAnswer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}
