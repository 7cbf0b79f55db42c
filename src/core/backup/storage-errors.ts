import { isStorageFull } from '../write-errors.ts';

/** True when the browser refused a write for lack of space, however the error is wrapped. */
export const isQuotaError = isStorageFull;

export type BackupAction = 'import' | 'undo' | 'export';

/** What to tell the learner when a backup operation failed; nothing was changed in every case. */
export function backupFailureMessage(error: unknown, action: BackupAction): string {
  if (isQuotaError(error)) {
    if (action === 'export') {
      return 'Your device’s storage is full, so the time of this backup could not be recorded. The file itself was made; free some space soon.';
    }
    const what = action === 'import' ? 'the imported data' : 'your earlier data';
    return `Your device refused to store ${what} because its storage is full. Nothing was changed: free some space, then try again.`;
  }
  const detail = (error as { message?: unknown })?.message;
  const reason = typeof detail === 'string' && detail ? detail.slice(0, 200) : String(error).slice(0, 200);
  if (action === 'export') return `The backup could not be made: ${reason}. Nothing was changed; try again.`;
  return `The ${action === 'import' ? 'import' : 'undo'} failed, so nothing was changed: ${reason}.`;
}
