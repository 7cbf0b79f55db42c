/** True when the browser refused a write for lack of space, however the error is wrapped. */
export function isStorageFull(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { name?: unknown; message?: unknown; reason?: unknown; inner?: unknown; cause?: unknown; failures?: unknown };
  if (typeof e.name === 'string' && /quota/i.test(e.name)) return true;
  if (typeof e.message === 'string' && /quota/i.test(e.message)) return true;
  // PouchDB (the sync mirror) names the IndexedDB error in `reason`: { name: 'indexed_db_went_bad', message: 'unknown', reason: 'QuotaExceededError' }.
  if (typeof e.reason === 'string' && /quota/i.test(e.reason)) return true;
  const nested = [e.inner, e.cause, ...(Array.isArray(e.failures) ? e.failures : e.failures && typeof e.failures === 'object' ? Object.values(e.failures) : [])];
  return nested.some((inner) => isStorageFull(inner, depth + 1));
}

/**
 * The one message for a write that failed: what was not saved, why, and that nothing changed
 * (every write is one transaction, so a refusal leaves the data as it was).
 */
export function writeFailureMessage(what: string, error: unknown): string {
  if (isStorageFull(error)) return `${what} could not be saved: this device’s storage is full. Nothing was changed; free some space, then try again.`;
  const e = error as { message?: unknown; name?: unknown } | null;
  const detail = typeof e?.message === 'string' && e.message ? e.message : typeof e?.name === 'string' ? e.name : String(error);
  return `${what} could not be saved: ${detail.slice(0, 200).replace(/[.\s]+$/, '')}. Nothing was changed; try again.`;
}
