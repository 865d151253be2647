/**
 * An answer's JSON, written once per answer.
 *
 * An answer shared by identical queries (shared-answers.ts) is one object
 * served to every caller within its window: fifty dashboards polling the
 * same page get the same `data`. Apollo writes each response afresh
 * (`stringifyResult`), which for a 1,000-VM dashboard is a quarter of a
 * megabyte of JSON per request, most of the server's work for an answer it
 * did not have to compute. So the text of an answer's `data` is kept beside
 * it, in a WeakMap keyed by that object: it lives exactly as long as the
 * answer does, and a response around it (errors, extensions, in whatever
 * order Apollo put them) is written as JSON.stringify would write it.
 *
 * Shared answers are never changed once made (callers only read them), and
 * an answer that is not shared is written once anyway, so keeping its text
 * costs nothing but a map entry until it is collected.
 */
const written = new WeakMap<object, string>();

/** `JSON.stringify(result)`, with the `data` of an answer already written reused. */
export function stringifyResult(result: object): string {
  const data = (result as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return JSON.stringify(result);
  let json = written.get(data);
  if (json === undefined) {
    json = JSON.stringify(data);
    written.set(data, json);
  }
  let out = '';
  for (const [key, value] of Object.entries(result)) {
    const member = key === 'data' ? json : JSON.stringify(value);
    // JSON.stringify leaves out members whose value it cannot write (undefined, functions).
    if (member === undefined) continue;
    out += `${out ? ',' : '{'}${JSON.stringify(key)}:${member}`;
  }
  return out ? `${out}}` : '{}';
}
