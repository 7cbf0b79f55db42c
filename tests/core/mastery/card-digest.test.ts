import { describe, expect, it } from 'vitest';
import { DIGEST_CHUNK_SIZE, digestCards, digestSize, emptyDigestChunk, writeDigestEntry } from '../../../src/core/mastery/card-digest.ts';
import { masteryReport } from '../../../src/core/mastery/mastery.ts';

const T0 = new Date(2026, 4, 10, 9).getTime();

describe('card digest', () => {
  it('yields every used slot across chunks, with its question, and skips freed ones', () => {
    const a = emptyDigestChunk(0);
    const b = emptyDigestChunk(1);
    writeDigestEntry(a, 0, { id: 'py-a#answer', state: 2, stability: 10, lastReview: T0, due: T0 + 1, suspended: false, hidden: false });
    writeDigestEntry(a, 1, { id: 'py-a#mistakes', state: 0, stability: 0, lastReview: null, due: T0, suspended: true, hidden: false });
    writeDigestEntry(a, 1, null);
    writeDigestEntry(b, DIGEST_CHUNK_SIZE + 5, { id: 'own-1#answer', state: 1, stability: 1, lastReview: T0, due: T0, suspended: false, hidden: true });
    const seen = Array.from(digestCards([a, b]), (c) => ({ ...c }));
    expect(seen).toEqual([
      { id: 'py-a#answer', questionId: 'py-a', state: 2, stability: 10, lastReview: T0, due: T0 + 1, suspended: false, hidden: false },
      { id: 'own-1#answer', questionId: 'own-1', state: 1, stability: 1, lastReview: T0, due: T0, suspended: false, hidden: true },
    ]);
    expect(digestSize([a, b])).toBe(2);
  });

  it('refuses a slot outside its chunk', () => {
    expect(() => writeDigestEntry(emptyDigestChunk(1), 3, null)).toThrow(RangeError);
  });

  it('feeds mastery the same as card rows would', () => {
    const chunk = emptyDigestChunk(0);
    writeDigestEntry(chunk, 0, { id: 'py-a#answer', state: 2, stability: 10, lastReview: T0, due: T0 + 1, suspended: false, hidden: false });
    writeDigestEntry(chunk, 1, { id: 'py-a#mistakes', state: 0, stability: 0, lastReview: null, due: T0, suspended: false, hidden: false });
    const lookup = () => ({ technology: 'python', topic: 'Basics', level: 'beginner' });
    const rows = [
      { questionId: 'py-a', state: 2 as const, stability: 10, lastReview: T0, suspended: false, hidden: false },
      { questionId: 'py-a', state: 0 as const, stability: 0, lastReview: null, suspended: false, hidden: false },
    ];
    expect(masteryReport(digestCards([chunk]), lookup, T0 + 5 * 86_400_000)).toEqual(masteryReport(rows, lookup, T0 + 5 * 86_400_000));
  });
});
