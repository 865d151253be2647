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

/**
 * Credentials written into a URL (`https://admin%40internal:pw@engine/...`),
 * taken out of it: the URL without them, and what it carried (undefined
 * when it carried none). Both the CLI and the client take such URLs.
 */
export function credentialsOfUrl(url: URL): { url: string; username?: string; password?: string } {
  if (!url.username && !url.password) return { url: url.href };
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return { url: bare.href, username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}
