import { CARD_KINDS, cardId } from '../core/bank/cards.ts';
import type { OwnSummaryTable, OwnSummaryVersion } from '../core/bank/own-summaries.ts';
import { validateQuestion, type Question, type ValidationResult } from '../core/bank/question.ts';
import { newMemory } from '../core/scheduling/fsrs.ts';
import { BUCKET, bucketOf, type CardRow, type CustomQuestionRow, type RehearseDb } from './database.ts';
import { OWN_PREFIX } from './cards-repo.ts';
import { stampCardMeta, stampFields, syncTables } from './sync-repo.ts';
import { questionDocId } from '../core/sync/sync-docs.ts';

/** What the learner types into the own-question form (lists one item per line). */
export type OwnQuestionInput = Omit<Question, 'id'>;

const FIELD_LABELS: Record<string, string> = {
  title: 'Question', technology: 'Technology', topic: 'Topic', level: 'Level', difficulty: 'Difficulty',
  tags: 'Tags', answer: 'Answer', keyPoints: 'Key points', deepExplanation: 'Deep explanation',
  realWorldExample: 'Real-world example', commonMistakes: 'Common mistakes',
  productionScenario: 'Production scenario', followUps: 'Follow-up questions',
};

/** The same schema as the bank, with messages that name the form's fields. */
export function validateOwnQuestion(input: OwnQuestionInput, id: string): ValidationResult<Question> {
  const result = validateQuestion({ ...input, id });
  if (result.ok) return result;
  return {
    ok: false,
    errors: result.errors.map((error) => {
      const [path, ...rest] = error.split(': ');
      const field = path?.split('.')[0] ?? '';
      return rest.length && FIELD_LABELS[field] ? `${FIELD_LABELS[field]}: ${rest.join(': ')}` : error;
    }),
  };
}

function ownCards(questionId: string): CardRow[] {
  // Own questions come first among new cards: the learner added them to study them.
  return CARD_KINDS.map((kind) => ({
    ...newMemory(0),
    id: cardId(questionId, kind),
    questionId,
    kind,
    suspended: false,
    hidden: false,
    bucket: BUCKET.new,
  }));
}

export async function createOwnQuestion(
  db: RehearseDb,
  input: OwnQuestionInput,
  now: number,
): Promise<ValidationResult<CustomQuestionRow>> {
  const id = `${OWN_PREFIX}${crypto.randomUUID().slice(0, 8)}`;
  const checked = validateOwnQuestion(input, id);
  if (!checked.ok) return checked;
  const row: CustomQuestionRow = { ...checked.value, createdAt: now, updatedAt: now };
  return db.transaction('rw', [db.customQuestions, db.cards, db.ownSummaries, ...syncTables(db)], async () => {
    const lower = row.title.toLowerCase();
    // The summaries row holds every title: no scan of tens of thousands of question rows.
    const titles = (await loadOwnSummaries(db))?.titles ?? [];
    if (titles.some((title) => title.toLowerCase() === lower)) {
      return { ok: false as const, errors: ['Question: you already have a question with this title'] };
    }
    await db.customQuestions.add(row);
    await db.cards.bulkAdd(ownCards(id));
    await stampFields(db, questionDocId(id), { body: row }, now);
    return { ok: true as const, value: row };
  });
}


export async function updateOwnQuestion(
  db: RehearseDb,
  id: string,
  input: OwnQuestionInput,
  now: number,
): Promise<ValidationResult<CustomQuestionRow>> {
  const checked = validateOwnQuestion(input, id);
  if (!checked.ok) return checked;
  return db.transaction('rw', [db.customQuestions, ...syncTables(db)], async () => {
    const existing = await db.customQuestions.get(id);
    if (!existing) return { ok: false as const, errors: ['This question no longer exists.'] };
    const row: CustomQuestionRow = { ...checked.value, createdAt: existing.createdAt, updatedAt: now };
    await db.customQuestions.put(row);
    await stampFields(db, questionDocId(id), { body: row }, now);
    return { ok: true as const, value: row };
  });
}

/**
 * Deletes an own question. Its cards are hidden, not deleted, and its reviews stay in
 * the log (and in backups); they no longer count towards mastery or statistics.
 */
export async function deleteOwnQuestion(db: RehearseDb, id: string, now = Date.now()): Promise<void> {
  await db.transaction('rw', [db.customQuestions, db.cards, db.notes, db.flags, ...syncTables(db)], async () => {
    await db.customQuestions.delete(id);
    await stampFields(db, questionDocId(id), { body: null }, now);
    await stampCardMeta(db, id, { note: null, flag: null }, now);
    await db.notes.delete(id);
    await db.flags.delete(id);
    const cards = await db.cards.where('questionId').equals(id).toArray();
    await db.cards.bulkPut(cards.map((c) => ({ ...c, hidden: true, bucket: bucketOf({ ...c, hidden: true }) })));
  });
}

export async function saveNote(db: RehearseDb, questionId: string, text: string, now: number): Promise<void> {
  if (text.length > 20_000) throw new Error('Notes are limited to 20,000 characters.');
  await db.transaction('rw', [db.notes, ...syncTables(db)], async () => {
    const at = await stampCardMeta(db, questionId, { note: text.trim() ? text : null }, now);
    // The note's time is its sync stamp: the other devices store it with that time too.
    if (text.trim()) await db.notes.put({ questionId, text, updatedAt: at });
    else await db.notes.delete(questionId);
  });
}

export async function setFlagged(db: RehearseDb, questionId: string, flagged: boolean, now: number): Promise<void> {
  await db.transaction('rw', [db.flags, ...syncTables(db)], async () => {
    if (flagged) await db.flags.put({ questionId, flaggedAt: now });
    else await db.flags.delete(questionId);
    await stampCardMeta(db, questionId, { flag: flagged ? now : null }, now);
  });
}

/**
 * id → updatedAt of every own question, from the updatedAt index alone (no texts): the
 * search index compares it with what it holds to re-read only what changed.
 */
export async function ownQuestionVersions(db: RehearseDb): Promise<Map<string, number>> {
  return db.transaction('r', db.customQuestions, async () => {
    const byTime = db.customQuestions.orderBy('updatedAt');
    const [times, ids] = await Promise.all([byTime.keys(), byTime.primaryKeys()]);
    return new Map(ids.map((id, i) => [id, times[i] as number]));
  });
}

/** Own questions with these ids (missing ones left out), or all of them. */
export async function readOwnQuestions(db: RehearseDb, ids?: readonly string[]): Promise<CustomQuestionRow[]> {
  if (!ids) return db.customQuestions.toArray();
  return (await db.customQuestions.bulkGet([...ids])).filter((q): q is CustomQuestionRow => !!q);
}

/** The cards of these questions, by their ids (point reads: quicker than an index scan for a page of rows). */
export async function cardsOfQuestions(db: RehearseDb, questionIds: readonly string[]): Promise<CardRow[]> {
  const rows = await db.cards.bulkGet(questionIds.flatMap((id) => CARD_KINDS.map((kind) => cardId(id, kind))));
  return rows.filter((c): c is CardRow => !!c);
}

/** The own-question summaries row (derived-tables.ts), if any own question exists. */
export async function loadOwnSummaries(db: RehearseDb): Promise<OwnSummaryTable | undefined> {
  return (await db.ownSummaries.get('own')) as OwnSummaryTable | undefined;
}

/** A counter that changes whenever the summaries do (0 before the first own question). */
export async function loadOwnSummaryVersion(db: RehearseDb): Promise<number> {
  return ((await db.ownSummaries.get('version')) as OwnSummaryVersion | undefined)?.version ?? 0;
}

export async function isFlagged(db: RehearseDb, questionId: string): Promise<boolean> {
  return !!(await db.flags.get(questionId));
}

export async function readNote(db: RehearseDb, questionId: string): Promise<string> {
  return (await db.notes.get(questionId))?.text ?? '';
}
