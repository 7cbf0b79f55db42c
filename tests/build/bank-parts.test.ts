// @vitest-environment node
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build, type Rollup } from 'vite';
import { PART_TARGET_BYTES, questionBankPlugin, splitBank } from '../../src/build/bank-plugin.ts';
import { compileBank } from '../../src/build/compile-bank.ts';
import type { Question } from '../../src/core/bank/question.ts';

const DATA = fileURLToPath(new URL('../../data', import.meta.url));

/** A bank folder with the first `n` real Python questions. */
function smallBank(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'bank-parts-'));
  const names = readdirSync(join(DATA, 'python')).filter((f) => f.endsWith('.md')).sort().slice(0, n);
  for (const name of names) cpSync(join(DATA, 'python', name), join(dir, 'python', name));
  return dir;
}

/** Builds an entry that loads the parts module, as the app does; returns the emitted JS files by name. */
async function buildBank(dataDir: string): Promise<Map<string, string>> {
  const root = mkdtempSync(join(tmpdir(), 'bank-parts-build-'));
  writeFileSync(join(root, 'entry.js'), "export const parts = () => import('virtual:question-bank-parts');\n");
  const output = (await build({
    configFile: false,
    root,
    logLevel: 'silent',
    plugins: [questionBankPlugin(dataDir)],
    build: { write: false, rollupOptions: { input: join(root, 'entry.js') } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunks = (Array.isArray(output) ? output[0]! : output).output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  return new Map(chunks.map((c) => [c.fileName, c.code]));
}

/** The questions a built part holds, by running its code as the browser would. */
async function questionsOf(code: string): Promise<Question[]> {
  const part = (await import(/* @vite-ignore */ `data:text/javascript,${encodeURIComponent(code)}`)) as { default: Question[] };
  return part.default;
}

describe('the bank split into parts', () => {
  it('puts every question in exactly one part, in bank order, each part about the target size', () => {
    const { questions } = compileBank(DATA);
    const parts = splitBank(questions);
    expect(parts.flat().map((q) => q.id)).toEqual(questions.map((q) => q.id));
    // A card loads one part: no bigger than the target unless one question alone is, and no
    // two neighbours that would fit together (each part is one request and precache entry).
    const size = (qs: readonly Question[]) => qs.reduce((sum, q) => sum + JSON.stringify(q).length, 0);
    for (const part of parts) expect(part.length === 1 || size(part) <= PART_TARGET_BYTES).toBe(true);
    parts.slice(1).forEach((part, i) => expect(size(parts[i]!) + size(part.slice(0, 1))).toBeGreaterThan(PART_TARGET_BYTES));
    // Short questions share a part rather than each costing a request.
    expect(splitBank(questions, 5 * PART_TARGET_BYTES).length).toBeLessThan(questions.length / 3);
  });

  it('emits one content-hashed file per part, and an edited question changes only its own part', async () => {
    const dir = smallBank(4);
    const before = await buildBank(dir);
    const parts = [...before].filter(([name]) => /question-bank-part-/.test(name));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const held = await Promise.all(parts.map(([, code]) => questionsOf(code)));
    expect(held.flat().map((q) => q.id).sort()).toEqual(compileBank(dir).questions.map((q) => q.id).sort());

    const [first] = compileBank(dir).questions;
    const file = join(dir, 'python', `${first!.id.replace(/^py-/, '')}.md`);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/## Answer\n\n/, '## Answer\n\nEdited. '));
    const after = await buildBank(dir);
    const partNames = (files: Map<string, string>) => new Set([...files.keys()].filter((name) => /question-bank-part-/.test(name)));
    const changed = [...partNames(after)].filter((name) => !partNames(before).has(name));
    expect(changed).toHaveLength(1);
    expect((await questionsOf(after.get(changed[0]!)!)).some((q) => q.id === first!.id && q.answer.startsWith('Edited.'))).toBe(true);
  });
});
