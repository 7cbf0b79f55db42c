export const BACKUP_REMINDER_DAYS = 14;
const DAY_MS = 86_400_000;

export interface BackupStatus {
  lastBackupAt: number | null;
  firstReviewAt: number | null;
  lastReviewAt: number | null;
}

/**
 * Whether to nudge the learner to back up: only when there is progress a backup would save,
 * i.e. reviews newer than the last backup, and that backup is over two weeks old (or there was
 * none and reviewing began over two weeks ago). Returns the days since the last backup.
 */
export function backupNudge(status: BackupStatus, now: number): { daysSinceBackup: number | null } | null {
  if (status.lastReviewAt === null || status.firstReviewAt === null) return null;
  const limit = BACKUP_REMINDER_DAYS * DAY_MS;
  if (status.lastBackupAt === null) {
    return now - status.firstReviewAt > limit ? { daysSinceBackup: null } : null;
  }
  if (status.lastReviewAt <= status.lastBackupAt) return null;
  if (now - status.lastBackupAt <= limit) return null;
  return { daysSinceBackup: Math.floor((now - status.lastBackupAt) / DAY_MS) };
}
