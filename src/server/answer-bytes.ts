/**
 * How an answer's text becomes the bytes sent: UTF-8 by TextEncoder, and
 * hashed for an entity tag only where a cache could use one.
 *
 * Apollo hands its express adapter the answer as a string, and express's
 * `res.send` turns a string into bytes with `Buffer.from`, whose UTF-8
 * writer goes a character at a time: for a 1,000-VM dashboard (a quarter of
 * a megabyte of JSON) that took most of what writing the JSON itself takes.
 * TextEncoder (SIMD in Node) does the same conversion about ten times
 * faster. Express then also hashes every answer for its weak ETag; only a
 * GET's answer can be cached by HTTP, so a POST's is sent as it is, with
 * its length, and a GET's goes through `res.send` as before (its ETag, and
 * 304 for an If-None-Match that names it).
 */
import type { NextFunction, Request, Response } from 'express';

const encoder = new TextEncoder();

/** Below this many characters a string is left to express: converting costs more than it saves. */
const SMALL = 4096;

/** Middleware for Apollo's route: this response's long string bodies leave as UTF-8 bytes. */
export function answerBytes(req: Request, res: Response, next: NextFunction): void {
  const send = res.send;
  const cacheable = req.method === 'GET' || req.method === 'HEAD';
  res.send = function sendBytes(this: Response, body?: unknown) {
    // Only answers whose type is set (Apollo's): express would call bytes of no stated type a binary stream.
    if (typeof body !== 'string' || body.length < SMALL || !this.get('Content-Type')) return send.call(this, body);
    const encoded = encoder.encode(body);
    const bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    if (cacheable) return send.call(this, bytes);
    this.setHeader('Content-Length', bytes.byteLength);
    this.end(bytes);
    return this;
  };
  next();
}
