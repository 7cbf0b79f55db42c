import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../db/hooks/services.tsx';
import { formatBackupDate } from '../../ui/format.ts';
import { exportBackup, exportReviewLogCsv, importBackup, loadBackupStatus, undoReplace, type ImportResult } from '../../db/backup-repo.ts';
import { MAX_BACKUP_TEXT_BYTES, type Backup } from '../../core/backup/backup-format.ts';
import { parseBackup, type ParseBackupResult } from '../../core/backup/parse-backup.ts';
import { backupFileName, describeDevice, reviewLogFileName, summarizeBackup, type BackupSummary } from '../../core/backup/backup-summary.ts';
import { backupFailureMessage } from '../../core/backup/storage-errors.ts';
import { makeBackupFile, readBackupFile } from '../../db/backup-file.ts';
import { readSnapshot } from '../../db/snapshot-repo.ts';
import { useSnapshotInfo } from '../../db/hooks/snapshot-info.ts';

/** Each logged card's state, replayed once while checking the file (the import reuses it). */
type Replayed = Extract<ParseBackupResult, { ok: true }>['replayed'];

type Stage =
  | { kind: 'idle' }
  | { kind: 'checking'; fileName: string }
  | { kind: 'preview' | 'confirm-replace'; backup: Backup; replayed: Replayed; summary: BackupSummary; fileName: string; settingsProblems: string[] }
  | { kind: 'working'; label: string };

interface Problem {
  title: string;
  details: string[];
}

const DAY_MS = 86_400_000;

/** "today", "yesterday", "12 days ago": by calendar day in the learner's time zone. */
function daysAgo(time: number, now: number): string {
  const midnight = (t: number) => new Date(t).setHours(0, 0, 0, 0);
  const days = Math.round((midnight(now) - midnight(time)) / DAY_MS);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days.toLocaleString()} days ago`;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
}

function listPhrase(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Saves a file through the browser's own download (no network involved). */
function download(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function corrections(n: number): string {
  return n ? ` ${plural(n, 'card')} whose stated schedule contradicted its review history ${n === 1 ? 'was' : 'were'} rebuilt from that history.` : '';
}

function describeImport(result: ImportResult): string {
  if (result.mode === 'replace') {
    return `This device now holds the backup: ${plural(result.added.cards, 'card')}, ${plural(result.added.reviews, 'review')}, ${plural(result.added.customQuestions, 'own question')} and ${plural(result.added.notes, 'note')}. Your previous data is kept: Undo replace puts it back.${corrections(result.corrected)}`;
  }
  const added = [
    plural(result.added.reviews, 'review'),
    plural(result.added.cards, 'card'),
    plural(result.added.customQuestions, 'own question'),
    plural(result.added.notes, 'note'),
    plural(result.added.flags, 'flag'),
  ];
  const updated = result.updated.notes + result.updated.customQuestions;
  return (
    `Merged. Added ${listPhrase(added)}` +
    (updated ? `; ${plural(updated, 'note or own question')} replaced by newer versions from the backup` : '') +
    '. Nothing on this device was lost.' +
    corrections(result.corrected) +
    (result.notReplayed.length ? ` ${plural(result.notReplayed.length, 'card')} kept their stored state because their history is damaged.` : '')
  );
}

/** Export, import (merge or replace, with undo) and the review log as CSV. */
export function BackupSection() {
  const { db, bank, now } = useServices();
  const status = useLiveQuery(() => loadBackupStatus(db), [db]);
  const snapshot = useSnapshotInfo();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fileId = useId();
  const previewHeading = useRef<HTMLHeadingElement>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const busy = stage.kind === 'checking' || stage.kind === 'working';

  useEffect(() => {
    // Keyboard and screen-reader users land on what needs their decision.
    if (stage.kind === 'preview') previewHeading.current?.focus();
    if (stage.kind === 'confirm-replace') confirmHeading.current?.focus();
  }, [stage.kind]);

  /** One busy label, one failure message, and the section back to idle whatever happens. */
  async function runAction(label: string, failure: Parameters<typeof backupFailureMessage>[1], work: () => Promise<void>) {
    setProblem(null);
    setNotice(null);
    setStage({ kind: 'working', label });
    try {
      await work();
    } catch (error) {
      setProblem({ title: backupFailureMessage(error, failure), details: [] });
    }
    setStage({ kind: 'idle' });
  }

  async function onExport() {
    await runAction('Making the backup…', 'export', async () => {
      const at = now();
      const { saved, cards, reviews, leftOut, warning } = await exportBackup(db, at, describeDevice(navigator.userAgent), makeBackupFile);
      const fileName = backupFileName(at, saved.compressed);
      download(fileName, saved.blob);
      const skipped = leftOut.length
        ? ` ${plural(leftOut.length, 'damaged record')} could not be included: ${leftOut.slice(0, 3).join(', ')}${leftOut.length > 3 ? '…' : ''}.`
        : '';
      setNotice(`Backup saved as ${fileName}: ${plural(cards, 'card')} and ${plural(reviews, 'review')}. Keep it somewhere other than this device.${skipped}`);
      if (warning) setProblem({ title: warning, details: [] });
    });
  }

  async function onExportCsv() {
    await runAction('Making the review log…', 'export', async () => {
      const parts = await exportReviewLogCsv(db);
      const fileName = reviewLogFileName(now());
      download(fileName, new Blob(parts, { type: 'text/csv' }));
      setNotice(`Review log saved as ${fileName}.`);
    });
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared so choosing the same file again is noticed.
    input.value = '';
    if (!file) return;
    setProblem(null);
    setNotice(null);
    const refuse = (details: string[]) => {
      setProblem({ title: `${file.name} cannot be imported. Nothing was changed.`, details });
      setStage({ kind: 'idle' });
    };
    setStage({ kind: 'checking', fileName: file.name });
    const read = await readBackupFile(file);
    if (!read.ok) return refuse([read.error]);
    const parsed = parseBackup(read.text, MAX_BACKUP_TEXT_BYTES);
    if (!parsed.ok) return refuse(parsed.errors);
    setStage({
      kind: 'preview',
      backup: parsed.value,
      replayed: parsed.replayed,
      summary: summarizeBackup(parsed.value, parsed.correctedCards),
      fileName: file.name,
      settingsProblems: parsed.settingsProblems,
    });
  }

  /** The snapshot goes through the same preview and confirmation as a chosen file. */
  async function onRestoreSnapshot() {
    setProblem(null);
    setNotice(null);
    setStage({ kind: 'checking', fileName: 'the automatic snapshot' });
    const read = await readSnapshot(db);
    if (!read.ok) {
      setProblem({ title: read.error, details: read.details.slice(0, 20) });
      setStage({ kind: 'idle' });
      return;
    }
    setStage({
      kind: 'preview',
      backup: read.backup,
      replayed: read.replayed,
      summary: summarizeBackup(read.backup, read.correctedCards),
      fileName: `the automatic snapshot from ${formatBackupDate(read.info.madeAt)}`,
      settingsProblems: read.settingsProblems,
    });
  }

  async function runImport(backup: Backup, replayed: Replayed, mode: 'merge' | 'replace', settingsProblems: string[]) {
    await runAction(mode === 'merge' ? 'Merging…' : 'Replacing…', 'import', async () => {
      const result = await importBackup(db, backup, mode, now(), bank, replayed);
      setNotice(describeImport(result));
      // Only Replace takes the backup's settings; Merge keeps this device's, so nothing fell back.
      if (mode === 'replace' && settingsProblems.length) {
        setProblem({ title: 'Some of the backup’s settings were invalid, so their defaults are now used:', details: settingsProblems });
      }
    });
  }

  async function onUndo() {
    await runAction('Putting your earlier data back…', 'undo', async () => {
      const restored = await undoReplace(db, now(), bank);
      setNotice(`Replace undone: your earlier ${plural(restored.cards, 'card')} and ${plural(restored.reviews, 'review')} are back.`);
    });
  }

  const lastBackup =
    status === undefined
      ? '…'
      : status.lastBackupAt === null
        ? 'No backup made yet on this device.'
        : `Last backup: ${formatBackupDate(status.lastBackupAt)} (${daysAgo(status.lastBackupAt, now())}).`;

  return (
    <section aria-labelledby="backup-heading" className="stack backup-section">
      <h2 id="backup-heading">Backup</h2>
      <p>
        Your reviews and notes live only in this browser. Export a backup now and then and keep the file somewhere
        else; import it here or on another device to restore or combine your progress.
      </p>
      <p className="backup-last">{lastBackup}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void onExport()} disabled={busy}>Export backup</button>
        <button type="button" onClick={() => void onExportCsv()} disabled={busy}>Export review log (CSV)</button>
      </div>
      <div className="backup-import">
        <label htmlFor={fileId}>Import backup</label>
        <input
          id={fileId}
          type="file"
          accept=".json,.gz,application/json,application/gzip"
          onChange={(e) => void onFile(e)}
          disabled={busy}
          aria-describedby={`${fileId}-help`}
        />
        <small id={`${fileId}-help`}>The whole file is checked before anything changes, and you see what it holds first.</small>
      </div>
      <div className="backup-snapshot">
        <p>
          {snapshot === undefined
            ? '…'
            : snapshot === null
              ? 'No automatic snapshot yet: Rehearse keeps one each day you study, and before every Replace.'
              : `Automatic snapshot: ${formatBackupDate(snapshot.madeAt)}, ${plural(snapshot.reviews, 'review')}.`}
        </p>
        {snapshot && (
          <button type="button" onClick={() => void onRestoreSnapshot()} disabled={busy}>Restore snapshot</button>
        )}
      </div>

      {(stage.kind === 'checking' || stage.kind === 'working') && (
        <p role="status">{stage.kind === 'checking' ? `Checking ${stage.fileName}…` : stage.label}</p>
      )}
      {problem && (
        <div role="alert" className="alert">
          <p>{problem.title}</p>
          {problem.details.length > 0 && (
            <ul>{problem.details.map((detail) => <li key={detail}>{detail}</li>)}</ul>
          )}
        </div>
      )}
      {notice && <p role="status" className="backup-notice">{notice}</p>}

      {stage.kind === 'preview' && (
        <section aria-labelledby="backup-preview-heading" className="backup-preview">
          <h3 id="backup-preview-heading" ref={previewHeading} tabIndex={-1}>What {stage.fileName} holds</h3>
          <Facts summary={stage.summary} />
          {stage.settingsProblems.length > 0 && (
            <div className="muted backup-settings-problems">
              <p>Some settings in this file are invalid. Replace would use the defaults instead (Merge keeps this device’s settings):</p>
              <ul>{stage.settingsProblems.map((text) => <li key={text}>{text}</li>)}</ul>
            </div>
          )}
          <p>
            <strong>Merge</strong> adds the backup’s reviews, cards, notes and own questions to this device; nothing
            here is lost and the newer version of a note or question wins. <strong>Replace</strong> makes this device
            exactly like the backup, settings included.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void runImport(stage.backup, stage.replayed, 'merge', stage.settingsProblems)}>Merge</button>
            <button type="button" onClick={() => setStage({ ...stage, kind: 'confirm-replace' })}>Replace…</button>
            <button type="button" onClick={() => setStage({ kind: 'idle' })}>Cancel</button>
          </div>
        </section>
      )}

      {stage.kind === 'confirm-replace' && (
        <section aria-labelledby="backup-confirm-heading" className="backup-preview backup-confirm">
          <h3 id="backup-confirm-heading" ref={confirmHeading} tabIndex={-1}>Replace everything on this device?</h3>
          <p>
            Your current {status ? `${plural(status.cardCount, 'card')} and ${plural(status.reviewCount, 'review')}` : 'data'},
            notes, own questions and settings will be replaced by the backup’s ({plural(stage.summary.reviews, 'review')}).
            A backup of the current data is kept on this device so you can undo this with “Undo replace”.
          </p>
          <div className="actions">
            <button type="button" className="primary danger" onClick={() => void runImport(stage.backup, stage.replayed, 'replace', stage.settingsProblems)}>Replace everything</button>
            <button type="button" onClick={() => setStage({ ...stage, kind: 'preview' })}>Cancel</button>
          </div>
        </section>
      )}

      {status?.undo && (
        <div className="backup-undo">
          <p>
            The data from before the replace on {formatBackupDate(status.undo.takenAt)} ({plural(status.undo.cards, 'card')},{' '}
            {plural(status.undo.reviews, 'review')}) is kept on this device.
          </p>
          <button type="button" onClick={() => void onUndo()} disabled={busy}>Undo replace</button>
        </div>
      )}
    </section>
  );
}

function Facts({ summary }: { summary: BackupSummary }) {
  const range =
    summary.firstReviewAt === null || summary.lastReviewAt === null
      ? 'none'
      : `${formatBackupDate(summary.firstReviewAt)} – ${formatBackupDate(summary.lastReviewAt)}`;
  const facts: [string, string][] = [
    ['Made', `${formatBackupDate(summary.exportedAt)}${summary.device ? ` on ${summary.device}` : ''}`],
    ['Cards', summary.cards.toLocaleString()],
    ['Reviews', summary.reviews.toLocaleString()],
    ['Reviews dated', range],
    ['Own questions', summary.ownQuestions.toLocaleString()],
    ['Notes', summary.notes.toLocaleString()],
    ['Flags', summary.flags.toLocaleString()],
  ];
  return (
    <>
      <dl className="backup-facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {summary.correctedCards > 0 && (
        <p className="muted">
          {plural(summary.correctedCards, 'card')} in this file {summary.correctedCards === 1 ? 'states a schedule' : 'state schedules'} that
          {summary.correctedCards === 1 ? ' contradicts its' : ' contradict their'} review history: importing rebuilds {summary.correctedCards === 1 ? 'it' : 'them'} from that history.
        </p>
      )}
    </>
  );
}
