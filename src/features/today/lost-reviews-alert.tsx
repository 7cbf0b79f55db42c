import { useState } from 'react';
import { Link } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../db/hooks/services.tsx';
import { hasReviews, markReviews, reviewsMarked } from '../../db/reviews-marker.ts';
import { importBackup } from '../../db/backup-repo.ts';
import { readSnapshot } from '../../db/snapshot-repo.ts';
import { useSnapshotInfo } from '../../db/hooks/snapshot-info.ts';
import { formatBackupDate } from '../../ui/format.ts';

/** Today's alert when the marker says there were reviews and the database has none; it offers the automatic snapshot when there is one. */
export function LostReviewsAlert() {
  const { db, bank, now } = useServices();
  const present = useLiveQuery(() => hasReviews(db), [db]);
  const snapshot = useSnapshotInfo();
  const [marked, setMarked] = useState(() => reviewsMarked(db));
  const [restoring, setRestoring] = useState(false);
  const [problem, setProblem] = useState<{ title: string; details: string[] } | null>(null);
  const [restored, setRestored] = useState<string | null>(null);

  async function restore() {
    setRestoring(true);
    setProblem(null);
    try {
      const read = await readSnapshot(db);
      if (!read.ok) {
        setProblem({ title: read.error, details: read.details });
        return;
      }
      const result = await importBackup(db, read.backup, 'replace', now(), bank);
      setRestored(
        `Restored the automatic snapshot from ${formatBackupDate(read.info.madeAt)}: ${count(result.added.reviews, 'review')} and ${count(result.added.cards, 'card')} are back.`,
      );
    } catch (error) {
      const { backupFailureMessage } = await import('../../core/backup/storage-errors.ts');
      setProblem({ title: backupFailureMessage(error, 'import'), details: [] });
    } finally {
      setRestoring(false);
    }
  }

  if (restored) return <p role="status" className="backup-notice">{restored}</p>;
  if (present !== false || !marked) return null;
  return (
    <div role="alert" className="alert">
      <p>
        Your reviews on this device are gone: Rehearse had saved reviews here, and the browser’s storage for it is now
        empty.{' '}
        {snapshot
          ? 'Rehearse keeps an automatic snapshot of your data apart from it:'
          : <>If you have a backup file, restore it in <Link to="/settings">Settings → Backup</Link>.</>}
      </p>
      {snapshot && (
        <button type="button" className="primary" onClick={() => void restore()} disabled={restoring}>
          Restore the automatic snapshot from {formatBackupDate(snapshot.madeAt)} ({count(snapshot.reviews, 'review')})
        </button>
      )}
      {restoring && <p role="status">Restoring the snapshot…</p>}
      {problem && (
        <>
          <p>{problem.title}</p>
          {problem.details.length > 0 && <ul>{problem.details.slice(0, 5).map((detail) => <li key={detail}>{detail}</li>)}</ul>}
        </>
      )}
      {snapshot && <p>A backup file can be restored instead in <Link to="/settings">Settings → Backup</Link>.</p>}
      <button
        type="button"
        onClick={() => {
          markReviews(db, false);
          setMarked(false);
        }}
        disabled={restoring}
      >
        Dismiss: start afresh
      </button>
    </div>
  );
}

function count(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
}
