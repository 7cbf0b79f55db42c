/**
 * Generated own questions for the benchmarks. `generatedQuestion` is deliberately
 * self-contained (no imports, no outer names): the seeding code sends its source text
 * into Chromium and evaluates it there, so node and the page build identical questions.
 */
import type { CustomQuestionRow } from '../../src/db/database.ts';

export function generatedQuestion(n: number, now: number): CustomQuestionRow {
  // Small deterministic PRNG (mulberry32) so question n is the same everywhere.
  let seed = (n * 2654435761) >>> 0;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const words = [
    'gradient', 'descent', 'learning', 'rate', 'batch', 'normalisation', 'dropout', 'overfitting', 'variance', 'bias',
    'regularisation', 'embedding', 'attention', 'transformer', 'tokenizer', 'context', 'window', 'retrieval', 'ranking',
    'latency', 'throughput', 'cache', 'generator', 'iterator', 'decorator', 'closure', 'coroutine', 'asyncio', 'thread',
    'process', 'memory', 'garbage', 'collector', 'dictionary', 'hashing', 'mutable', 'immutable', 'pandas', 'vector',
    'matrix', 'tensor', 'loss', 'entropy', 'calibration', 'precision', 'recall', 'threshold', 'sampling', 'temperature',
    'prompt', 'injection', 'evaluation', 'drift', 'monitoring', 'feature', 'leakage', 'pipeline', 'schema', 'index',
    'quantisation', 'distillation', 'pruning', 'sharding', 'replica', 'queue', 'backpressure', 'timeout', 'retry',
    'idempotent', 'serialisation', 'profiling', 'benchmark', 'allocation', 'copy', 'reference', 'scope', 'exception',
    'context-manager', 'descriptor', 'property', 'metaclass', 'protocol', 'typing', 'dataclass', 'slots', 'boosting',
    'forest', 'tree', 'split', 'kfold', 'validation', 'holdout', 'imbalance', 'oversampling', 'shap', 'scaling',
  ];
  const topics = {
    python: ['Python Core', 'Concurrency', 'Performance', 'Testing', 'Data Model'],
    ml: ['Model Evaluation', 'Optimisation', 'Feature Engineering', 'Ensembles', 'Deep Learning'],
    llm: ['Prompting', 'Retrieval', 'Serving', 'Fine-tuning', 'Safety'],
  } as const;
  const technology = pick(['python', 'ml', 'llm'] as const);
  const level = pick(['beginner', 'intermediate', 'advanced'] as const);
  const band = level === 'beginner' ? [1, 3] : level === 'intermediate' ? [4, 6] : [7, 10];
  const difficulty = band[0]! + Math.floor(rand() * (band[1]! - band[0]! + 1));
  const phrase = (count: number) => Array.from({ length: count }, () => pick(words)).join(' ');
  const sentence = (count: number) => {
    const text = phrase(count);
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  };
  const createdAt = now - Math.floor(rand() * 400) * 86_400_000;
  return {
    id: `own-${n}`,
    title: `How does ${phrase(2)} interact with ${phrase(2)} (${n})?`,
    technology,
    topic: pick(topics[technology]),
    level,
    difficulty,
    tags: [pick(words), pick(words)],
    answer: `${sentence(12)} ${sentence(10)}`,
    keyPoints: [sentence(5), sentence(5), sentence(5)],
    deepExplanation: sentence(20),
    realWorldExample: sentence(12),
    commonMistakes: [`**${sentence(3)}** ${sentence(6)}`, `**${sentence(3)}** ${sentence(6)}`, `**${sentence(3)}** ${sentence(6)}`],
    productionScenario: sentence(12),
    followUps: [`${sentence(6).slice(0, -1)}?`, `${sentence(6).slice(0, -1)}?`],
    createdAt,
    updatedAt: createdAt,
  };
}
