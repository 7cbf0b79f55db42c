import type { Question, QuestionSummary } from '../core/bank/question.ts';

/** The bank as start-up knows it: summaries only (see src/build/bank-plugin.ts). */
export interface Bank {
  version: string;
  questions: QuestionSummary[];
  byId: Map<string, QuestionSummary>;
}

type PartsModule = typeof import('virtual:question-bank-parts');

let index: Promise<Bank> | null = null;
let partsModule: Promise<{ module: PartsModule; partOf: Map<string, number> }> | null = null;
/** Parts loading or loaded, by number. */
const partLoads = new Map<number, Promise<void>>();
/** Every full text loaded so far: a card or page whose part is in shows at once. */
const loaded = new Map<string, Question>();

/** The bank's index, a small chunk: enough to sync cards and draw lists. */
export function loadBank(): Promise<Bank> {
  index ??= import('virtual:question-bank-index').then(({ default: bank }) => ({
    ...bank,
    byId: new Map(bank.questions.map((q) => [q.id, q])),
  }));
  return index;
}

/** Forgets a failed download so that the next caller tries again. */
function retryable<T>(loading: Promise<T>, forget: () => void): Promise<T> {
  loading.catch(forget);
  return loading;
}

function parts() {
  const loading = (partsModule ??= import('virtual:question-bank-parts').then((module) => ({
    module,
    partOf: new Map(module.ids.flatMap((ids, n) => ids.map((id) => [id, n] as const))),
  })));
  return retryable(loading, () => partsModule === loading && (partsModule = null));
}

function loadPart(module: PartsModule, n: number): Promise<void> {
  let loading = partLoads.get(n);
  if (!loading) {
    loading = module.load(n).then(({ default: questions }) => {
      for (const q of questions) loaded.set(q.id, q);
    });
    const mine = loading;
    partLoads.set(n, retryable(mine, () => partLoads.get(n) === mine && partLoads.delete(n)));
  }
  return loading;
}

/** A bank question's full text if its part has loaded already, else undefined. */
export function peekQuestion(id: string): Question | undefined {
  return loaded.get(id);
}

/**
 * The full texts of these bank questions, loading only the parts that hold them (about one
 * question each). Ids the bank does not have (own questions) are left out of the map.
 */
export async function loadQuestions(ids: Iterable<string>): Promise<Map<string, Question>> {
  const wanted = [...ids];
  const { module, partOf } = await parts();
  const needed = new Set(wanted.flatMap((id) => (loaded.has(id) ? [] : (partOf.has(id) ? [partOf.get(id)!] : []))));
  await Promise.all([...needed].map((n) => loadPart(module, n)));
  return new Map(wanted.flatMap((id) => (loaded.has(id) ? [[id, loaded.get(id)!] as const] : [])));
}

/** Every bank question with its full texts, in bank order (a focused session's search, the main-thread search). */
export async function loadAllQuestions(): Promise<Question[]> {
  const { module } = await parts();
  await Promise.all(module.ids.map((_, n) => loadPart(module, n)));
  return module.ids.flat().flatMap((id) => loaded.get(id) ?? []);
}

/** The URL of every part, absolute, for the search worker to import them itself. */
export async function bankPartUrls(base: string): Promise<string[]> {
  const { module } = await parts();
  return module.urls.map((url) => new URL(url, base).href);
}
