import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import { useServices } from '../../db/hooks/services.tsx';
import { loadBackupReminderStatus } from '../../db/backup-repo.ts';
import { formatBackupDate } from '../../ui/format.ts';
import { BACKUP_REMINDER_DAYS, backupNudge } from '../../core/backup/backup-nudge.ts';

/**
 * When the last backup was made, and a nudge when progress newer than it is at risk:
 * the data lives only in this browser, so clearing it or losing the device loses it.
 */
export function BackupReminder() {
  const { db, now } = useServices();
  const status = useLiveQuery(() => loadBackupReminderStatus(db), [db]);
  // A learner who has not graded anything has nothing to lose yet: no backup line at all.
  if (!status || status.lastReviewAt === null) return null;
  const nudge = backupNudge(status, now());
  return (
    <div className="backup-reminder">
      <p className="muted">{status.lastBackupAt === null ? 'No backup yet' : `Last backup: ${formatBackupDate(status.lastBackupAt)}`}</p>
      {nudge && (
        <p role="status" className="backup-nudge">
          {nudge.daysSinceBackup === null
            ? `You have over ${BACKUP_REMINDER_DAYS} days of reviews and no backup. They live only in this browser.`
            : `Your last backup is ${nudge.daysSinceBackup} days old and you have reviewed since.`}{' '}
          <Link to="/settings">Export a backup in Settings</Link>
        </p>
      )}
    </div>
  );
}
