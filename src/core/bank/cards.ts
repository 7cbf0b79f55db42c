import { LEVELS, type Question, type QuestionSummary } from './question.ts';

export const CARD_KINDS = ['answer', 'mistakes'] as const;
export type CardKind = (typeof CARD_KINDS)[number];

export function cardId(questionId: string, kind: CardKind): string {
  return `${questionId}#${kind}`;
}

export function parseCardId(id: string): { questionId: string; kind: CardKind } | null {
  const hash = id.lastIndexOf('#');
  const kind = id.slice(hash + 1);
  if (hash <= 0 || !(CARD_KINDS as readonly string[]).includes(kind)) return null;
  return { questionId: id.slice(0, hash), kind: kind as CardKind };
}

/** The prompt a card shows: the question itself, or a recall of its pitfalls. */
export function cardPrompt(question: Pick<Question, 'title'>, kind: CardKind): string {
  return kind === 'answer' ? question.title : `Common mistakes: ${question.title}`;
}

/**
 * Order in which new cards are introduced: easier questions first, technologies
 * alternating, and every question's answer card before any mistakes card.
 */
export function introductionOrder(questions: readonly QuestionSummary[]): { id: string; questionId: string; kind: CardKind }[] {
  const sorted = [...questions].sort(
    (a, b) =>
      LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) ||
      a.difficulty - b.difficulty ||
      a.technology.localeCompare(b.technology) ||
      a.id.localeCompare(b.id),
  );
  return CARD_KINDS.flatMap((kind) => sorted.map((q) => ({ id: cardId(q.id, kind), questionId: q.id, kind })));
}

export interface BankSyncPlan {
  add: { id: string; questionId: string; kind: CardKind }[];
  hide: string[];
  unhide: string[];
}

/**
 * What a bank update changes: new questions get cards, removed questions' cards are
 * hidden (never deleted, so history survives if they return), returning ones unhidden.
 */
export function planBankSync(
  existing: readonly { id: string; hidden: boolean }[],
  questions: readonly QuestionSummary[],
): BankSyncPlan {
  const wanted = introductionOrder(questions);
  const wantedIds = new Set(wanted.map((c) => c.id));
  const existingById = new Map(existing.map((c) => [c.id, c]));
  return {
    add: wanted.filter((c) => !existingById.has(c.id)),
    hide: existing.filter((c) => !c.hidden && !wantedIds.has(c.id)).map((c) => c.id),
    unhide: existing.filter((c) => c.hidden && wantedIds.has(c.id)).map((c) => c.id),
  };
}
