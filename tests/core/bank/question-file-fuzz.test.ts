import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseQuestionFile } from '../../../src/core/bank/parse-question-file.ts';
import { validateQuestion, type Question } from '../../../src/core/bank/question.ts';
import { makeQuestion } from '../../fixtures.ts';
import { applyMutations, mutations, prototypesUntouched } from '../backup/mutations.ts';

/** A question written out the way data/ files are. */
function questionFile(q: Question): string {
  const list = (items: string[]) => items.map((item) => `- ${item}`).join('\n');
  return [
    '---',
    `id: ${q.id}`,
    `title: "${q.title}"`,
    `technology: ${q.technology}`,
    `topic: ${q.topic}`,
    `level: ${q.level}`,
    `difficulty: ${q.difficulty}`,
    `tags: [${q.tags.join(', ')}]`,
    '---',
    '',
    '## Answer', '', q.answer, '',
    '## Key points', '', list(q.keyPoints), '',
    '## Deep explanation', '', q.deepExplanation, '', '```python', '## not a heading inside code', 'print("hi")', '```', '',
    '## Real-world example', '', q.realWorldExample, '',
    '## Common mistakes', '', list(q.commonMistakes), '',
    '## Production scenario', '', q.productionScenario, '',
    '## Follow-up questions', '', list(q.followUps), '',
  ].join('\n');
}

const VALID = questionFile(makeQuestion('py-fuzzed-question'));
const FIELDS = ['id', 'title', 'technology', 'topic', 'level', 'difficulty', 'tags'];
const LAUGHS = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`)].join('\n');

const hostileYamlValue = fc.constantFrom(
  '1e400', '-1e400', '.inf', '-.inf', '.nan', '99999999999999999999999999', '0x10', '1_000', '-1', '2.5', 'null', '~', "''",
  '[1, 2]', '{a: 1}', '!!binary aGVsbG8=', '!!js/function "function(){ return 1 }"', '!!python/object:os.system ls', '&a [*a]',
  '"\\u0000"', '"\\ud800"', '['.repeat(3000) + ']'.repeat(3000), 'x'.repeat(20_000), 'yes', 'no', '2026-05-10', '|\n  block\n  text',
  '*undefined_alias', '@reserved', '`backtick`', '- a\n- b',
);

const hostileFrontMatterLine = fc.constantFrom(
  '__proto__: {polluted: yes}', 'constructor: {prototype: {polluted: yes}}', '<<: {polluted: yes, level: advanced}',
  '"__proto__": [1, 2]', 'prototype: {polluted: yes}', LAUGHS, 'id: duplicate-key', 'tags: &t [a]\nextra: *t', '? complex\n: key',
  '%YAML 1.1', '---', '...', '\t tabs: bad', 'toString: 1', 'hasOwnProperty: 1',
);

type QuestionMutation =
  | { kind: 'field'; field: number; value: string }
  | { kind: 'frontMatterLine'; line: string }
  | { kind: 'heading'; which: number; change: 'remove' | 'duplicate' | 'rename' | 'level3' }
  | { kind: 'unclosedFence'; which: number }
  | { kind: 'swapSections'; a: number; b: number }
  | { kind: 'lineEndings'; style: '\r\n' | '\r' }
  | { kind: 'bom' };

const questionMutation: fc.Arbitrary<QuestionMutation> = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), field: fc.nat(), value: hostileYamlValue }),
  fc.record({ kind: fc.constant('frontMatterLine' as const), line: hostileFrontMatterLine }),
  fc.record({ kind: fc.constant('heading' as const), which: fc.nat(), change: fc.constantFrom('remove' as const, 'duplicate' as const, 'rename' as const, 'level3' as const) }),
  fc.record({ kind: fc.constant('unclosedFence' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('swapSections' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('lineEndings' as const), style: fc.constantFrom('\r\n' as const, '\r' as const) }),
  fc.constant({ kind: 'bom' as const }),
);

function applyQuestionMutation(text: string, m: QuestionMutation): string {
  const headings = [...text.matchAll(/^## .*$/gm)];
  switch (m.kind) {
    case 'field': {
      const field = FIELDS[m.field % FIELDS.length]!;
      return text.replace(new RegExp(`^${field}: .*$`, 'm'), () => `${field}: ${m.value}`);
    }
    case 'frontMatterLine':
      return text.replace(/^---\n/, () => `---\n${m.line}\n`);
    case 'heading': {
      if (!headings.length) return text;
      const h = headings[m.which % headings.length]!;
      const at = h.index;
      const line = h[0];
      const replacement = { remove: '', duplicate: `${line}\n\n${line}`, rename: '## Something else', level3: line.replace('## ', '### ') }[m.change];
      return text.slice(0, at) + replacement + text.slice(at + line.length);
    }
    case 'unclosedFence': {
      if (!headings.length) return `${text}\n\`\`\`\n`;
      const h = headings[m.which % headings.length]!;
      return `${text.slice(0, h.index)}\`\`\`js\n${text.slice(h.index)}`;
    }
    case 'swapSections': {
      const parts = text.split(/(?=^## )/m);
      if (parts.length < 3) return text;
      const i = 1 + (m.a % (parts.length - 1));
      const j = 1 + (m.b % (parts.length - 1));
      [parts[i], parts[j]] = [parts[j]!, parts[i]!];
      return parts.join('');
    }
    case 'lineEndings':
      return text.replace(/\n/g, m.style);
    case 'bom':
      return `\uFEFF${text}`;
  }
}

function check(text: string): 'ok' | 'refused' {
  const result = parseQuestionFile(text);
  expect(prototypesUntouched()).toBe(true);
  if (result.ok) {
    // Whatever is accepted satisfies the schema on its own.
    expect(validateQuestion(result.value)).toEqual({ ok: true, value: result.value });
    return 'ok';
  }
  expect(result.errors.length).toBeGreaterThanOrEqual(1);
  for (const message of result.errors) {
    expect(typeof message).toBe('string');
    expect(message.trim()).not.toBe('');
  }
  return 'refused';
}

describe('damaged and hostile question files (property-based)', () => {
  // The YAML parser reports unknown tags and directives as process warnings; hundreds would drown the output.
  beforeAll(() => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it('the fixture itself is a valid question file', () => {
    expect(parseQuestionFile(VALID)).toMatchObject({ ok: true, value: { id: 'py-fuzzed-question', level: 'beginner' } });
  });

  it('hostile front matter and broken sections never throw; a refusal always says why', () => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(questionMutation, { minLength: 1, maxLength: 3 }), (list) => {
        seen[check(list.reduce(applyQuestionMutation, VALID))]++;
      }),
      { numRuns: 400 },
    );
    expect(seen.refused).toBeGreaterThan(100);
  });

  it('truncated, flipped and spliced files never throw; a refusal always says why', () => {
    fc.assert(
      fc.property(mutations, (list) => {
        check(applyMutations(VALID, list));
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string().map((s) => `---\n${s}\n---\n${s}`)), (text) => {
        check(text);
      }),
      { numRuns: 300 },
    );
  });
});
