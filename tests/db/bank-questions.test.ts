import { describe, expect, it } from 'vitest';
import { loadAllQuestions, loadBank, loadQuestions, peekQuestion } from '../../src/db/bank.ts';

describe('loading bank questions’ full texts', () => {
  it('loads the asked questions with every section, leaves out ids the bank lacks, and keeps them for an instant redraw', async () => {
    const bank = await loadBank();
    const [a, b] = [bank.questions[0]!.id, bank.questions[bank.questions.length - 1]!.id];
    expect(peekQuestion(b)).toBeUndefined();
    const map = await loadQuestions([a, b, 'own-1a2b3c4d']);
    expect([...map.keys()].sort()).toEqual([a, b].sort());
    expect(map.get(a)).toMatchObject({ id: a, title: bank.byId.get(a)!.title });
    expect(map.get(b)!.keyPoints.length).toBeGreaterThanOrEqual(3);
    expect(map.get(b)!.answer.length).toBeGreaterThan(0);
    // Shown again (the next card, a revisit): no wait.
    expect(peekQuestion(b)).toBe(map.get(b));
  });

  it('loads the whole bank, in its order, when a search needs every text', async () => {
    const bank = await loadBank();
    const all = await loadAllQuestions();
    expect(all.map((q) => q.id)).toEqual(bank.questions.map((q) => q.id));
    expect(all.every((q) => q.deepExplanation.length > 0)).toBe(true);
  });
});
