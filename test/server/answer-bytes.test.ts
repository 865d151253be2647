/**
 * Answers leave as UTF-8 bytes made by TextEncoder (server/answer-bytes.ts):
 * the bytes and their stated length are exactly the answer's text in UTF-8,
 * whatever it holds; a POST's answer carries no entity tag (nothing caches
 * it), a GET's does, and a GET naming it in If-None-Match gets 304.
 */
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, post, type Stack, stack } from './helpers.ts';

/** Past the size below which answers are left to express, and written in four scripts (1 to 4 bytes a character in UTF-8). */
const TEXT = 'Zürich Ωμέγα 東京 🚀 "quoted" \\ back';
const QUERY = '{ vms { id name description } }';

function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('answer bytes', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await stack({ vms: 120 });
    const id = (await gql(s, '{ vms(max: 1) { id } }')).data.vms[0].id;
    const r = await gql(s, 'mutation($id: ID!, $d: String!) { updateVm(id: $id, input: { description: $d }) { description } }', {
      id,
      d: TEXT,
    });
    expect(r.errors).toBeUndefined();
  });
  afterAll(() => s.close());

  it("a POST's long answer: its bytes are its text in UTF-8, as long as Content-Length says, with no ETag", async () => {
    const res = await post(s, QUERY);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('etag')).toBeNull();
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.byteLength);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    expect(text.length).toBeGreaterThan(4096);
    expect(Buffer.byteLength(text)).toBe(bytes.byteLength);
    const answer = JSON.parse(text);
    expect(answer.data.vms.length).toBeGreaterThanOrEqual(120);
    expect(answer.data.vms.filter((v: { description: string | null }) => v.description === TEXT)).toHaveLength(1);
  });

  it("a GET's answer is tagged, and the same GET naming the tag is answered 304 without a body", async () => {
    const url = `${s.server.url}?query=${encodeURIComponent(QUERY)}`;
    const headers = { 'apollo-require-preflight': '1' };
    const first = await fetch(url, { headers });
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    const text = await first.text();
    expect(JSON.parse(text).data.vms.some((v: { description: string | null }) => v.description === TEXT)).toBe(true);
    expect(Number(first.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    // Not by fetch: it adds `Cache-Control: no-cache` to a request naming a tag, which a server must not answer 304.
    const again = await rawGet(url, { ...headers, 'if-none-match': tag! });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('a short answer and a refusal are written as before', async () => {
    const short = await post(s, '{ api { time } }');
    expect(short.status).toBe(200);
    expect(((await short.json()) as { data: { api: { time: string } } }).data.api.time).toBeTruthy();
    const bad = await post(s, '{ nope }');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });
});
