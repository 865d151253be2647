/**
 * HTTP Basic credentials, both ways: the client sends them, the simulator and
 * the subgraph's pass-through read them. Here, beside neither, so that the
 * simulator and the server do not depend on the client for it.
 */

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** `Basic dXNlcjpwdw==` -> `{ username, password }`; undefined when the header is not Basic credentials. */
export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
