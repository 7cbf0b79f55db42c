/** Matches any of the search terms, longest first so "decorators" wins over "decor". */
export function termPattern(terms: readonly string[]): RegExp {
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length);
  return new RegExp(`(${escaped.join('|')})`, 'gi');
}

/** The last terms' pattern: every row of a result list highlights the same terms. */
let lastSplit: { key: string; pattern: RegExp } | null = null;

/** Splits text into plain and matched parts: odd indexes are matches. */
export function splitOnTerms(text: string, terms: readonly string[]): string[] {
  if (!terms.length) return [text];
  const key = terms.join('\u0000');
  // split() ignores lastIndex, so one global pattern can serve every call.
  if (lastSplit?.key !== key) lastSplit = { key, pattern: termPattern(terms) };
  return text.split(lastSplit.pattern);
}

/** A short excerpt of an answer around its first match, markdown marks removed; undefined without a match. */
export function answerSnippet(answer: string, terms: readonly string[]): string | undefined {
  if (!terms.length) return undefined;
  const plain = answer.replace(/[`*_#>]/g, '');
  const match = termPattern(terms).exec(plain);
  if (!match) return undefined;
  const start = Math.max(0, match.index - 60);
  return (start > 0 ? '…' : '') + plain.slice(start, match.index + 100) + (match.index + 100 < plain.length ? '…' : '');
}
