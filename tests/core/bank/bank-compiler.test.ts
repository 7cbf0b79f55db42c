// @vitest-environment node
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build } from 'vite';
import { compileBank } from '../../../src/build/compile-bank.ts';
import { questionBankPlugin } from '../../../src/build/bank-plugin.ts';
import { parseQuestionFile } from '../../../src/core/bank/parse-question-file.ts';

const realFile = readFileSync(
  fileURLToPath(new URL('../../../data/python/try-except-else-finally.md', import.meta.url)),
  'utf8',
);

function bankDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bank-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the bank compiler', () => {
  it('parses a real question file into all its sections', () => {
    const parsed = parseQuestionFile(realFile);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.id).toBe('py-try-except-else-finally');
      expect(parsed.value.keyPoints.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('names the file and the missing section', () => {
    const broken = realFile.replace(/## Production scenario[\s\S]*?(?=## Follow-up questions)/, '');
    const dir = bankDir({ 'python/try-except-else-finally.md': broken });
    expect(() => compileBank(dir)).toThrow(/data\/python\/try-except-else-finally\.md: missing section "Production scenario"/);
  });

  it('names the file and the field for a bad level', () => {
    const dir = bankDir({ 'python/try-except-else-finally.md': realFile.replace(/^level: .*$/m, 'level: expert') });
    expect(() => compileBank(dir)).toThrow(/try-except-else-finally\.md: level: level must be one of beginner, intermediate, advanced/);
  });

  it('refuses a duplicate id and a duplicate title, naming both files', () => {
    const copy = realFile.replace(/^id: .*$/m, 'id: py-copy');
    const dir = bankDir({ 'python/try-except-else-finally.md': realFile, 'python/copy.md': copy });
    expect(() => compileBank(dir)).toThrow(/data\/python\/try-except-else-finally\.md: title: the same question is already asked by data\/python\/copy\.md/);
    const sameId = bankDir({ 'python/try-except-else-finally.md': realFile, 'ml/try-except-else-finally.md': realFile.replace(/^title: .*$/m, 'title: "Other?"') });
    expect(() => compileBank(sameId)).toThrow(/id: "py-try-except-else-finally" is already used/);
  });

  it('refuses too few key points and a difficulty outside the level’s band', () => {
    const fewPoints = realFile.replace(/## Key points\n\n([\s\S]*?)\n\n## Deep/, '## Key points\n\n- Only one\n\n## Deep');
    expect(parseQuestionFile(fewPoints)).toMatchObject({ ok: false, errors: ['keyPoints: Key points needs at least 3 items'] });
    const hard = realFile.replace(/^difficulty: .*$/m, 'difficulty: 9');
    expect(parseQuestionFile(hard)).toMatchObject({ ok: false, errors: ['difficulty must be between 1 and 3 for level beginner'] });
  });

  it('fails a real Vite build naming the broken file and field', async () => {
    const dir = bankDir({ 'python/try-except-else-finally.md': realFile.replace(/^technology: .*$/m, 'technology: rust') });
    const root = mkdtempSync(join(tmpdir(), 'bank-build-'));
    writeFileSync(join(root, 'entry.js'), "import bank from 'virtual:question-bank-index'; console.log(bank);\n");
    await expect(
      build({
        configFile: false,
        root,
        logLevel: 'silent',
        plugins: [questionBankPlugin(dir)],
        build: { write: false, rollupOptions: { input: join(root, 'entry.js') } },
      }),
    ).rejects.toThrow(/data\/python\/try-except-else-finally\.md: technology: technology must be one of python, ml, llm/);
  });
});

describe('question files saved by other editors', () => {
  it('accepts a byte-order mark and Windows line endings', () => {
    const parsed = parseQuestionFile(`\uFEFF${realFile.replace(/\n/g, '\r\n')}`);
    expect(parsed.ok).toBe(true);
  });
});
