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

export function redact<T>(v: T): T {
  if (typeof v === 'string') {
    return v.replace(SECRET_ELEMENTS, (_m, el: string) => `<${el}>***</${el}>`).replace(/JSESSIONID=[^;\s"]+/g, 'JSESSIONID=***') as T;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? '***' : redact(val);
    return out as T;
  }
  return v;
}
