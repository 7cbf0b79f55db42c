import { describe, expect, it } from 'vitest';
import { QuestionIndex, SearchService, toSearchDoc, type OwnQuestionSource } from '../../../src/core/bank/search.ts';
import type { Question, QuestionSummary } from '../../../src/core/bank/question.ts';

const question = (id: string, title: string, answer: string, over: Partial<Question> = {}): Question => ({
  id, title, answer, technology: 'python', topic: 'Testing', level: 'beginner', difficulty: 2, tags: [],
  keyPoints: ['a', 'b', 'c'], deepExplanation: 'Deeper.', realWorldExample: 'Example.',
  commonMistakes: ['**x.** y', '**x.** y', '**x.** y'], productionScenario: 'Scenario.', followUps: ['Why?', 'How?'],
  ...over,
});

/** Own questions in memory, recording which ids each load asked for. */
function memorySource(rows: Map<string, Question & { updatedAt: number }>) {
  const loads: (readonly string[] | 'all')[] = [];
  const source: OwnQuestionSource = {
    versions: async () => new Map([...rows.values()].map((r) => [r.id, r.updatedAt])),
    load: async (ids) => {
      loads.push(ids ?? 'all');
      return ids ? ids.flatMap((id) => (rows.has(id) ? [rows.get(id)!] : [])) : [...rows.values()];
    },
  };
  return { source, loads };
}

describe('library search', () => {
  it('answers with one page of rows and the count of every match, filters included', () => {
    const index = new QuestionIndex();
    index.upsert(
      Array.from({ length: 30 }, (_, i) =>
        toSearchDoc(question(`q${i}`, `Generators question ${i}`, `Use a generator for item ${i}.`, { level: i < 10 ? 'advanced' : 'beginner' }), 'own'),
      ),
    );
    const page = index.search({ query: 'generator', selection: {}, limit: 5 });
    expect(page.total).toBe(30);
    expect(page.rows).toHaveLength(5);
    expect(page.rows[0]!.snippet).toMatch(/generator/i);

    const advanced = index.search({ query: 'generator', selection: { level: 'advanced' }, limit: 100 });
    expect(advanced.total).toBe(10);
    expect(advanced.rows.map((r) => r.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `q${i}`).sort());
    expect(index.search({ query: 'generator', selection: { flagged: true }, flagged: ['q3'], limit: 100 }).rows.map((r) => r.id)).toEqual(['q3']);
  });

  it('finds prefixes and near misses, ranking title matches first', () => {
    const index = new QuestionIndex();
    index.upsert([
      toSearchDoc(question('a', 'What is a decorator?', 'It wraps a function.'), 'bank'),
      toSearchDoc(question('b', 'What is a closure?', 'A decorator usually returns a closure.'), 'bank'),
    ]);
    expect(index.search({ query: 'decor', selection: {}, limit: 10 }).rows.map((r) => r.id)).toEqual(['a', 'b']);
    expect(index.search({ query: 'decoratr', selection: {}, limit: 10 }).total).toBe(2);
  });

  it('re-reads only the own questions added, edited or deleted since the last sync', async () => {
    const rows = new Map([1, 2, 3, 5, 6, 7, 8, 9].map((n) => [`own-${n}`, { ...question(`own-${n}`, `Question ${n}`, 'Plain answer.'), updatedAt: 1 }]));
    const { source, loads } = memorySource(rows);
    const service = new SearchService(source);
    await service.syncOwn();
    expect(loads).toEqual(['all']);

    rows.set('own-2', { ...rows.get('own-2')!, answer: 'Now about walruses.', updatedAt: 2 });
    rows.delete('own-3');
    rows.set('own-4', { ...question('own-4', 'Question 4', 'Walrus facts.'), updatedAt: 2 });
    expect(await service.syncOwn()).toBe(true);
    expect(loads[1]).toEqual(['own-2', 'own-4']);
    const page = await service.search({ query: 'walrus', selection: {}, limit: 10 });
    expect(page?.rows.map((r) => r.id).sort()).toEqual(['own-2', 'own-4']);
    expect((await service.search({ query: 'question', selection: {}, limit: 10 }))?.total).toBe(8);

    expect(await service.syncOwn()).toBe(false);
    expect(loads).toHaveLength(2);
  });

  it('skips a search that a newer one overtook while it waited', async () => {
    const service = new SearchService(memorySource(new Map()).source);
    await service.syncOwn();
    let latest = 1;
    const first = service.search({ query: 'a', selection: {}, limit: 1 }, () => latest !== 1);
    latest = 2;
    expect(await first).toBeNull();
  });

  it('answers at once from titles, topics and tags while the first build runs, then in full', async () => {
    const rows = new Map(
      Array.from({ length: 1000 }, (_, i) => {
        const q = question(`own-${i}`, i % 2 ? `Decorators and closures ${i}` : `Context managers ${i}`, i % 2 ? 'Wraps a function.' : 'Uses __exit__ to clean up.');
        return [q.id, { ...q, updatedAt: 1 }] as const;
      }),
    );
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let pauses = 0;
    // The first chunk's pause holds the build, as a busy worker would be mid-build.
    const service = new SearchService(memorySource(rows).source, () => (++pauses === 1 ? held : Promise.resolve()));
    const built = service.syncOwn();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(pauses).toBe(1);

    const early = await service.search({ query: 'decorators', selection: {}, limit: 10 });
    expect(early).toMatchObject({ total: 500, partial: true });
    expect(early!.rows).toHaveLength(10);
    // Answer texts are not scanned in the quick answer: "__exit__" is only in answers.
    expect((await service.search({ query: '__exit__', selection: {}, limit: 10 }))!.total).toBe(0);

    release();
    expect(await built).toBe(true);
    const full = await service.search({ query: 'clean', selection: {}, limit: 10 });
    expect(full!.partial).toBeUndefined();
    expect(full!.total).toBe(500);
  });
});

describe('the quick answer while the full-text index is being built', () => {
  const docs = [
    toSearchDoc(question('deco', 'How do decorators work?', 'They wrap.'), 'bank'),
    toSearchDoc(question('tagged', 'Wrapping functions', 'Use functools.', { tags: ['decorators'], topic: 'Functions' }), 'bank'),
    toSearchDoc(question('query', 'Batch a database query', 'Group them.', { tags: ['sql'] }), 'bank'),
    toSearchDoc(question('class', 'When is a class the right tool?', 'Rarely.', { tags: [] }), 'bank'),
    toSearchDoc(question('other', 'What is a context manager?', 'With.', { tags: ['with'] }), 'bank'),
  ];
  const quick = (query: string) => {
    const index = new QuestionIndex();
    index.upsert(docs);
    return index.scanSearch({ query, selection: {}, limit: 10 });
  };

  it('finds "decorator" in a title saying "decorators" and a tag "decorators", title first, marked partial', () => {
    const page = quick('decorator');
    expect(page.rows.map((r) => r.id)).toEqual(['deco', 'tagged']);
    expect(page.partial).toBe(true);
    expect(page.rows[0]!.terms).toEqual(['decorators']);
  });

  it('matches word prefixes and simple plurals both ways, and nothing inside a word', () => {
    expect(quick('decor').rows.map((r) => r.id)).toEqual(['deco', 'tagged']);
    expect(quick('queries').rows.map((r) => r.id)).toEqual(['query']);
    expect(quick('classes').rows.map((r) => r.id)).toEqual(['class']);
    expect(quick('DECORATORS work').rows.map((r) => r.id)).toEqual(['deco']);
    expect(quick('orator').total).toBe(0);
    expect(quick('decorator sql').total).toBe(0);
  });
});

describe('a search service answering before own questions are indexed', () => {
  it('announces a change once the index is complete, so a quick answer is searched again', async () => {
    let finishRead!: () => void;
    const read = new Promise<void>((resolve) => (finishRead = resolve));
    const service = new SearchService({
      versions: async () => new Map(),
      load: async () => {
        await read;
        return [];
      },
    });
    const synced = service.syncOwn();
    void service.setBank([question('deco', 'How do decorators work?', 'They wrap functions.')]);
    const quick = await service.search({ query: 'wrap', selection: {}, limit: 10 });
    expect(quick).toEqual({ total: 0, rows: [], partial: true });
    finishRead();
    expect(await synced).toBe(true);
    const full = await service.search({ query: 'wrap', selection: {}, limit: 10 });
    expect(full?.rows.map((r) => r.id)).toEqual(['deco']);
    expect(full?.partial).toBeUndefined();
  });

  it('does not announce a change when nothing was answered early and no own question exists', async () => {
    const service = new SearchService({ versions: async () => new Map(), load: async () => [] });
    expect(await service.syncOwn()).toBe(false);
  });

  it('searches bank summaries by title, topic and tags when the full text is missing', async () => {
    const service = new SearchService({ versions: async () => new Map(), load: async () => [] });
    await service.syncOwn();
    await service.setBank([{ id: 'deco', title: 'How do decorators work?', technology: 'python', topic: 'Functions', level: 'beginner', difficulty: 3, tags: ['wrappers'] }]);
    expect((await service.search({ query: 'decorator', selection: {}, limit: 10 }))?.rows.map((r) => r.id)).toEqual(['deco']);
    expect((await service.search({ query: 'wrappers', selection: {}, limit: 10 }))?.total).toBe(1);
  });
});

describe('a search service whose bank texts are still loading', () => {
  const summary: QuestionSummary = { id: 'deco', title: 'How do decorators work?', technology: 'python', topic: 'Functions', level: 'beginner', difficulty: 3, tags: ['wrappers'] };

  it('answers from the bank titles at once, even while own questions are still being read', async () => {
    let finishRead!: () => void;
    const read = new Promise<void>((resolve) => (finishRead = resolve));
    const service = new SearchService({ versions: async () => new Map(), load: async () => (await read, []) });
    void service.syncOwn();
    void service.setBank([summary], 'loading');
    const quick = await service.search({ query: 'decorator', selection: {}, limit: 10 });
    expect(quick).toMatchObject({ total: 1, partial: true });
    finishRead();
  });

  it('keeps answering partially until the texts arrive, then searches them in full', async () => {
    const service = new SearchService({ versions: async () => new Map(), load: async () => [] });
    await service.syncOwn();
    await service.setBank([summary], 'loading');
    expect(await service.search({ query: 'callables', selection: {}, limit: 10 })).toMatchObject({ total: 0, partial: true });
    await service.setBank([question('deco', 'How do decorators work?', 'They wrap callables.')]);
    const full = await service.search({ query: 'callables', selection: {}, limit: 10 });
    expect(full?.rows.map((r) => r.id)).toEqual(['deco']);
    expect(full?.partial).toBeUndefined();
    expect(full?.limited).toBeUndefined();
  });

  it('marks answers limited once the texts are given up on, and lifts that when they arrive late', async () => {
    const service = new SearchService({ versions: async () => new Map(), load: async () => [] });
    await service.syncOwn();
    await service.setBank([summary], 'loading');
    await service.giveUpBankTexts();
    expect(await service.search({ query: 'decorator', selection: {}, limit: 10 })).toMatchObject({ total: 1, limited: true });
    await service.setBank([question('deco', 'How do decorators work?', 'They wrap functions.')]);
    const late = await service.search({ query: 'wrap', selection: {}, limit: 10 });
    expect(late).toMatchObject({ total: 1 });
    expect(late?.limited).toBeUndefined();
  });
});
