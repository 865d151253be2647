/**
 * Logging for the client: silent unless a logger is given. A logger is any
 * object with pino's or the console's methods (`debug`, `info`, `warn`).
 *
 * Whatever is logged goes through `redact` first: credentials, session ids
 * and password elements in XML bodies never reach a log.
 */

export interface Logger {
  debug?: (...args: any[]) => void;
  info?: (...args: any[]) => void;
  warn?: (...args: any[]) => void;
}

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'jsessionid', 'proxy-authorization']);
const SECRET_ELEMENTS = /<(password|root_password|value)>[^<]*<\/\1>/g;
/** `password=...` and the like in text (a query string or form quoted on an error page). */
const SECRET_PARAMS = /\b(password|passwd|pwd|secret|token|access_token|jsessionid)(\s*[=:]\s*)[^&\s"'<>;,]+/gi;

export function redact<T>(v: T): T {
  if (typeof v === 'string') {
    return v
      .replace(SECRET_ELEMENTS, (_m, el: string) => `<${el}>***</${el}>`)
      .replace(/JSESSIONID=[^;\s"]+/g, 'JSESSIONID=***')
      .replace(SECRET_PARAMS, (_m, name: string, sep: string) => `${name}${sep}***`) as T;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? '***' : redact(val);
    return out as T;
  }
  return v;
}

/**
 * A short, plain-text excerpt of an answer that is not a fault document (an
 * HTML error page from a proxy), for the operator's log: tags, entities and
 * control characters out, whitespace collapsed, at most 120 characters.
 */
export function excerpt(body: string): string | undefined {
  const text = body
    .slice(0, 4096)
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>?/g, ' ')
    .replace(/&[#a-z0-9]+;/gi, ' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes from an excerpt
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return undefined;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
