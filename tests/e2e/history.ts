import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './browser.ts';
import { BACKUP_FORMAT, BACKUP_VERSION, type Backup, type BackupCard, type BackupReview } from '../../src/core/backup/backup-format.ts';
import { encodeConfig, grade, newMemory, scheduleConfigFrom, type MemoryState, type Rating } from '../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings.ts';

const DAY = 86_400_000;
const PREFIX = { python: 'py', ml: 'ml', llm: 'llm' } as const;

/** The bank's question ids of these technologies, in file order. */
export function bankIds(technologies: readonly (keyof typeof PREFIX)[]): string[] {
  return technologies.flatMap((tech) => readdirSync(join(ROOT, 'data', tech)).map((file) => `${PREFIX[tech]}-${file.replace(/\.md$/, '')}`));
}

export interface StudyPlan {
  questionIds: string[];
  /** How many days back the first reviews are. */
  days: number;
  now: number;
  /** Over how many days the questions' first reviews are spread. */
  spreadDays: number;
  seed: number;
  /** Whether the learner recalls a card due for review (a new card is always graded Good). */
  recalls: (memory: MemoryState, at: number, random: () => number) => boolean;
  settings?: Settings;
}

/**
 * A backup of a learner who studies once a day, graded by the real scheduler so every card
 * equals the replay of its log: Good when recalled, Again when not.
 */
export function studiedBackup(plan: StudyPlan): Backup {
  let seed = plan.seed;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const cards: BackupCard[] = [];
  const reviews: BackupReview[] = [];
  const start = plan.now - plan.days * DAY;
  for (const [n, questionId] of plan.questionIds.entries()) {
    for (const kind of ['answer', 'mistakes'] as const) {
      const cardId = `${questionId}#${kind}`;
      let memory: MemoryState = newMemory(start);
      let at = start + (n % plan.spreadDays) * DAY + 9 * 3_600_000;
      let i = 0;
      while (at < plan.now - DAY) {
        const config = scheduleConfigFrom(DEFAULT_SETTINGS, at);
        const rating: Rating = memory.state === 0 || plan.recalls(memory, at, random) ? 3 : 1;
        reviews.push({ id: `${cardId}-r${i++}`, cardId, rating, reviewedAt: at, durationMs: 5000, before: memory, config: encodeConfig(config) });
        memory = grade(cardId, memory, rating, at, config);
        // Learning steps inside a day are taken the next morning.
        at = Math.max(memory.due, at + DAY);
      }
      cards.push({ id: cardId, questionId, kind, suspended: false, hidden: false, ...memory });
    }
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: plan.now,
    device: 'test',
    schemaVersion: 3,
    settings: plan.settings ?? DEFAULT_SETTINGS,
    cards,
    reviews,
    notes: [],
    flags: [],
    customQuestions: [],
  };
}
