import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import { parseQuestionFile } from '../core/bank/parse-question-file.ts';
import type { Question } from '../core/bank/question.ts';

export interface CompiledBank {
  /** Changes whenever any question changes; lets the app skip card sync when equal. */
  version: string;
  questions: Question[];
}

export class BankError extends Error {
  constructor(readonly problems: string[]) {
    super(`The question bank has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`);
    this.name = 'BankError';
  }
}

const ID_PREFIX = { python: 'py', ml: 'ml', llm: 'llm' } as const;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return markdownFiles(path);
      return name.endsWith('.md') ? [path] : [];
    });
}

/** Reads every question file under `dataDir`; throws a BankError naming each bad file and field. */
export function compileBank(dataDir: string): CompiledBank {
  const problems: string[] = [];
  const questions: Question[] = [];
  const ids = new Map<string, string>();
  const titles = new Map<string, string>();
  for (const path of markdownFiles(dataDir)) {
    const file = relative(dataDir, path).split(sep).join('/');
    const parsed = parseQuestionFile(readFileSync(path, 'utf8'));
    if (!parsed.ok) {
      problems.push(...parsed.errors.map((error) => `data/${file}: ${error}`));
      continue;
    }
    const q = parsed.value;
    const folder = file.split('/')[0];
    if (folder !== q.technology) problems.push(`data/${file}: technology: "${q.technology}" but the file is in data/${folder}/`);
    const slug = file.split('/').pop()!.replace(/\.md$/, '');
    if (q.id !== `${ID_PREFIX[q.technology]}-${slug}`) {
      problems.push(`data/${file}: id: expected "${ID_PREFIX[q.technology]}-${slug}" to match the file name, found "${q.id}"`);
    }
    const previousId = ids.get(q.id);
    if (previousId) problems.push(`data/${file}: id: "${q.id}" is already used by data/${previousId}`);
    ids.set(q.id, file);
    const titleKey = q.title.toLowerCase();
    const previousTitle = titles.get(titleKey);
    if (previousTitle) problems.push(`data/${file}: title: the same question is already asked by data/${previousTitle}`);
    titles.set(titleKey, file);
    questions.push(q);
  }
  if (problems.length) throw new BankError(problems);
  const version = createHash('sha256').update(JSON.stringify(questions)).digest('hex').slice(0, 16);
  return { version, questions };
}
