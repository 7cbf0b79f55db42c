import { parse as parseYaml } from 'yaml';
import { SECTION_HEADINGS, validateQuestion, type Question, type ValidationResult } from './question.ts';

type SectionHeading = (typeof SECTION_HEADINGS)[number];

/**
 * Parses one bank file (YAML front matter + fixed `## ` sections) into a validated
 * question. Errors name the field or section so a build failure says what to fix.
 */
export function parseQuestionFile(source: string): ValidationResult<Question> {
  // Editors on Windows may save a byte-order mark; it is not part of the front matter.
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!frontMatter) return { ok: false, errors: ['front matter: the file must start with a --- block'] };
  let meta: unknown;
  try {
    meta = parseYaml(frontMatter[1] ?? '');
  } catch (error) {
    return { ok: false, errors: [`front matter: not valid YAML (${(error as Error).message.split('\n')[0]})`] };
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    return { ok: false, errors: ['front matter: must be a mapping of fields'] };
  }
  const sections = splitSections(text.slice(frontMatter[0].length));
  if (!sections.ok) return sections;
  const s = sections.value;
  const lists: string[] = [];
  const asList = (heading: SectionHeading) => {
    const items = parseList(s[heading]);
    if (items === null) lists.push(`${heading}: must be a Markdown list ("- item" per line)`);
    return items ?? [];
  };
  const candidate = {
    ...(meta as Record<string, unknown>),
    answer: s['Answer'],
    keyPoints: asList('Key points'),
    deepExplanation: s['Deep explanation'],
    realWorldExample: s['Real-world example'],
    commonMistakes: asList('Common mistakes'),
    productionScenario: s['Production scenario'],
    followUps: asList('Follow-up questions'),
  };
  if (lists.length) return { ok: false, errors: lists };
  return validateQuestion(candidate);
}

function splitSections(body: string): ValidationResult<Record<SectionHeading, string>> {
  const errors: string[] = [];
  const found = new Map<string, string>();
  const order: string[] = [];
  // Headings inside fenced code are content, not sections.
  const lines = body.split('\n');
  let current: string | null = null;
  let buffer: string[] = [];
  let inFence = false;
  const flush = () => {
    if (current !== null) found.set(current, buffer.join('\n').trim());
  };
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = !inFence && /^## (.+?)\s*$/.exec(line);
    if (heading) {
      flush();
      current = heading[1] ?? '';
      if (found.has(current)) errors.push(`section "${current}" appears twice`);
      order.push(current);
      buffer = [];
    } else if (current === null) {
      if (line.trim()) errors.push('text before the first "## Answer" section');
    } else {
      buffer.push(line);
    }
  }
  flush();
  for (const name of order) {
    if (!(SECTION_HEADINGS as readonly string[]).includes(name)) errors.push(`unknown section "${name}"`);
  }
  for (const name of SECTION_HEADINGS) {
    if (!found.has(name)) errors.push(`missing section "${name}"`);
  }
  const known = order.filter((name) => (SECTION_HEADINGS as readonly string[]).includes(name));
  if (!errors.length && known.join('|') !== SECTION_HEADINGS.join('|')) {
    errors.push(`sections must appear in this order: ${SECTION_HEADINGS.join(', ')}`);
  }
  if (errors.length) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, value: Object.fromEntries(found) as Record<SectionHeading, string> };
}

/** A top-level Markdown bullet list; indented lines continue the item above. */
export function parseList(markdown: string | undefined): string[] | null {
  if (markdown === undefined) return [];
  const items: string[] = [];
  for (const line of markdown.split('\n')) {
    const bullet = /^[-*] (.*)$/.exec(line);
    if (bullet) items.push(bullet[1] ?? '');
    else if (!line.trim()) continue;
    else if (items.length && /^\s+/.test(line)) items[items.length - 1] += `\n${line.replace(/^ {2,4}/, '')}`;
    else return null;
  }
  return items.map((item) => item.trim());
}
