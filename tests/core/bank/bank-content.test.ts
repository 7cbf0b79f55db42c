// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileBank } from '../../../src/build/compile-bank.ts';
import { LEVELS, TECHNOLOGIES, DIFFICULTY_BY_LEVEL } from '../../../src/core/bank/question.ts';
import { introductionOrder } from '../../../src/core/bank/cards.ts';

const dataDir = fileURLToPath(new URL('../../../data', import.meta.url));
const bank = compileBank(dataDir);

describe('the shipped question bank', () => {
  it('has at least 150 questions, 50 per technology and 16 per level within each', () => {
    expect(bank.questions.length).toBeGreaterThanOrEqual(150);
    for (const technology of TECHNOLOGIES) {
      const ofTech = bank.questions.filter((q) => q.technology === technology);
      expect(ofTech.length, technology).toBeGreaterThanOrEqual(50);
      for (const level of LEVELS) {
        expect(ofTech.filter((q) => q.level === level).length, `${technology} ${level}`).toBeGreaterThanOrEqual(16);
      }
    }
  });

  it('has unique ids and unique titles', () => {
    expect(new Set(bank.questions.map((q) => q.id)).size).toBe(bank.questions.length);
    expect(new Set(bank.questions.map((q) => q.title.toLowerCase())).size).toBe(bank.questions.length);
  });

  it('fills every section, with key points, mistakes and follow-ups within bounds', () => {
    for (const q of bank.questions) {
      for (const text of [q.title, q.answer, q.deepExplanation, q.realWorldExample, q.productionScenario]) {
        expect(text.trim().length, q.id).toBeGreaterThan(0);
      }
      expect(q.keyPoints.length, q.id).toBeGreaterThanOrEqual(3);
      expect(q.keyPoints.length, q.id).toBeLessThanOrEqual(5);
      expect(q.commonMistakes.length, q.id).toBeGreaterThanOrEqual(3);
      expect(q.followUps.length, q.id).toBeGreaterThanOrEqual(2);
      const [low, high] = DIFFICULTY_BY_LEVEL[q.level];
      expect(q.difficulty, q.id).toBeGreaterThanOrEqual(low);
      expect(q.difficulty, q.id).toBeLessThanOrEqual(high);
      // Each mistake says what goes wrong and why it bites: a bold lead-in then an explanation.
      for (const m of q.commonMistakes) expect(m, q.id).toMatch(/^\*\*.+?\*\*\s*\S+/s);
    }
  });

  it('covers the questions learners are promised', () => {
    const ids = new Set(bank.questions.map((q) => q.id));
    for (const id of [
      'py-try-except-else-finally', 'py-args-and-kwargs', 'py-equality-vs-identity',
      'py-comprehensions-vs-generator-expressions', 'py-processing-files-larger-than-memory',
      'py-pytest-good-unit-tests', 'py-decorators-and-functools-wraps', 'py-context-managers',
      'py-dict-internals-and-complexity', 'py-gil-threads-processes-asyncio', 'py-fastapi-production-ready',
      'py-pandas-apply-vs-vectorisation', 'ml-k-fold-cross-validation', 'ml-precision-recall-f1',
      'ml-random-forest-vs-decision-tree', 'ml-bias-variance-tradeoff', 'ml-l1-vs-l2-regularisation',
      'ml-gradient-boosting', 'ml-data-leakage', 'ml-class-imbalance', 'ml-feature-scaling',
      'llm-tokens-and-context-length', 'llm-temperature-vs-top-p', 'llm-chain-of-thought',
      'llm-retrieval-augmented-generation', 'llm-embeddings-basics', 'llm-hallucination',
      'llm-fine-tuning-vs-prompting', 'llm-evaluating-llm-output', 'llm-prompt-injection',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('yields an answer card and a mistakes card per question', () => {
    const cards = introductionOrder(bank.questions);
    expect(cards).toHaveLength(bank.questions.length * 2);
    expect(new Set(cards.map((c) => c.id)).size).toBe(cards.length);
  });

  it('has python code that parses, and stdlib-only code that runs cleanly', () => {
    const files = TECHNOLOGIES.flatMap((t) => readdirSync(join(dataDir, t)).map((f) => join(dataDir, t, f)));
    const script = fileURLToPath(new URL('./check-python-blocks.py', import.meta.url));
    let output: string;
    try {
      output = execFileSync('python3', [script, ...files], { encoding: 'utf8', timeout: 600_000 });
    } catch (error) {
      output = (error as { stdout?: string }).stdout ?? String(error);
    }
    const result = JSON.parse(output) as { checked: number; executed: number; failures: string[] };
    expect(result.failures).toEqual([]);
    expect(result.checked).toBeGreaterThan(50);
    expect(result.executed).toBeGreaterThan(30);
  }, 600_000);
});
