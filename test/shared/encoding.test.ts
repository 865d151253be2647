/**
 * The form answers take in Redis (src/shared/encoding.ts): a parsed engine
 * document comes back equal, its dates dates, its numbers beyond 2^53
 * bigints, its type tagged as the reader tags it, whatever its shape.
 */
import { describe, expect, it } from 'vitest';
import { TYPE, tag, typeOf } from '../../src/rhev/binding.ts';
import { decodeDoc, encodeDoc } from '../../src/shared/index.ts';

describe('the shared form of a document', () => {
  it('gives back what it was given: dates, big numbers, nesting, arrays and the type', () => {
    const doc = tag(
      {
        vm: [
          {
            id: 'a',
            name: 'web-1',
            memory: 4294967296,
            creation_time: new Date('2026-12-06T09:00:00.123Z'),
            disks: { disk: [{ size: 12345678901234567890n }] },
          },
          { id: 'b', name: 'web "2" \\ \u2028', start_time: new Date(Number.NaN), tags: [], flags: [true, false, null] },
        ],
        $text: 'kept',
      },
      'Vms',
    );
    const back = decodeDoc(encodeDoc(doc));
    expect(typeOf(back)).toBe('Vms');
    expect(back.vm[0].creation_time).toEqual(new Date('2026-12-06T09:00:00.123Z'));
    expect(back.vm[0].disks.disk[0].size).toBe(12345678901234567890n);
    expect(Number.isNaN(back.vm[1].start_time.getTime())).toBe(true);
    expect(back.vm[1].name).toBe('web "2" \\ \u2028');
    const { [TYPE]: _t, ...rest } = back as typeof back & { [TYPE]?: string };
    expect(rest).toEqual({ ...doc });
  });

  it('is plain JSON a reader parses without help when nothing needs a type', () => {
    const text = encodeDoc(tag({ vm: [{ id: 'a', memory: 1024 }] }, 'Vms'));
    expect(JSON.parse(text)).toEqual({ t: 'Vms', v: { vm: [{ id: 'a', memory: 1024 }] }, d: [], b: [] });
  });
});
