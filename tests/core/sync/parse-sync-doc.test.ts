import { describe, expect, it } from 'vitest';
import { parseSyncDoc } from '../../../src/core/sync/parse-sync-doc.ts';
import { mergeFields, type Fields } from '../../../src/core/sync/sync-docs.ts';

// A newer app version on another device may sync a setting (or a card field) this version does
// not know yet. Refusing the whole document would stop this device taking the learner's retention
// or limits from it; dropping the field would lose it for the newer device on the next merge.
describe('documents from a newer app version on another device', () => {
  const settingsDoc = (fields: Record<string, unknown>) => ({ _id: 'settings:profile', _rev: '3-a', kind: 'settings', fields });

  it('a settings document with a field this version does not know still delivers the ones it does', () => {
    const parsed = parseSyncDoc(settingsDoc({
      desiredRetention: { value: 0.85, at: 10 },
      dailyGoalMinutes: { value: 25, at: 11 },
    }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.doc).toMatchObject({ kind: 'settings', fields: { desiredRetention: { value: 0.85, at: 10 }, dailyGoalMinutes: { value: 25, at: 11 } } });
  });

  it('the unknown field survives a merge with this device, so it goes back to the server intact', () => {
    const parsed = parseSyncDoc(settingsDoc({ dailyGoalMinutes: { value: 25, at: 11 } }));
    if (!parsed.ok) throw new Error(parsed.errors.join());
    const local: Fields = { desiredRetention: { value: 0.9, at: 20 } };
    const merged = mergeFields(local, (parsed.doc as { fields: Fields }).fields);
    expect(merged).toEqual({ desiredRetention: { value: 0.9, at: 20 }, dailyGoalMinutes: { value: 25, at: 11 } });
  });

  it('still refuses a known field with a bad value, and an unknown field without a time stamp', () => {
    const badKnown = parseSyncDoc(settingsDoc({ desiredRetention: { value: 5, at: 10 } }));
    expect(badKnown.ok).toBe(false);
    const unstamped = parseSyncDoc(settingsDoc({ dailyGoalMinutes: 25 }));
    expect(unstamped.ok).toBe(false);
    const cardMeta = parseSyncDoc({ _id: 'cardmeta:py-a', kind: 'cardmeta', fields: { pinned: { value: true, at: 3 }, flag: { value: 'soon', at: 3 } } });
    expect(cardMeta.ok).toBe(false);
  });

  it('a card document with a new field keeps its known fields usable', () => {
    const parsed = parseSyncDoc({ _id: 'cardmeta:py-a', kind: 'cardmeta', fields: { pinned: { value: true, at: 3 }, flag: { value: 1000, at: 3 } } });
    expect(parsed.ok && parsed.doc).toMatchObject({ fields: { flag: { value: 1000, at: 3 }, pinned: { value: true, at: 3 } } });
  });
});
