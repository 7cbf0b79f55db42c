import { describe, expect, it } from 'vitest';
import { isStorageFull, writeFailureMessage } from '../../src/core/write-errors.ts';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('the one message for a refused write', () => {
  it('recognises a full disk however it is wrapped: the browser, Dexie and PouchDB (the sync mirror)', () => {
    expect(isStorageFull(quota())).toBe(true);
    // Dexie: an AbortError whose inner error is the browser's.
    expect(isStorageFull({ name: 'AbortError', message: 'QuotaExceededError ', inner: quota() })).toBe(true);
    // PouchDB in Chromium: the quota shows only in `reason` (seen in the storage-full browser test).
    expect(isStorageFull({ status: 500, name: 'indexed_db_went_bad', message: 'unknown', reason: 'QuotaExceededError' })).toBe(true);
    expect(isStorageFull({ status: 500, name: 'indexed_db_went_bad', message: 'unknown', reason: 'VersionError' })).toBe(false);
    expect(isStorageFull(new Error('Card x does not exist'))).toBe(false);
  });

  it('says what was not saved and why, in plain words', () => {
    expect(writeFailureMessage('Changes from your other devices', { name: 'indexed_db_went_bad', message: 'unknown', reason: 'QuotaExceededError' })).toBe(
      'Changes from your other devices could not be saved: this device’s storage is full. Nothing was changed; free some space, then try again.',
    );
    // A reason that ends its own sentence is not followed by a second full stop.
    expect(writeFailureMessage('The optimised parameters', new Error('The fitted parameters are not usable; your current ones are unchanged.'))).toBe(
      'The optimised parameters could not be saved: The fitted parameters are not usable; your current ones are unchanged. Nothing was changed; try again.',
    );
  });
});
