import { memo, useEffect, useMemo, useRef } from 'react';
import MarkdownIt from 'markdown-it';
import type { RendererRule } from 'markdown-it';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import bash from 'highlight.js/lib/languages/bash';
import json from 'highlight.js/lib/languages/json';
import sql from 'highlight.js/lib/languages/sql';
import yaml from 'highlight.js/lib/languages/yaml';
import typescript from 'highlight.js/lib/languages/typescript';
import plaintext from 'highlight.js/lib/languages/plaintext';

hljs.registerLanguage('python', python);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('json', json);
hljs.registerLanguage('sql', sql);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('text', plaintext);

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** While set, code blocks are rendered plain and marked for the Markdown component to colour after painting. */
let deferHighlight = false;

// html: false — raw HTML in any text (including a learner's own) is shown as text, never parsed.
const md = new MarkdownIt({
  html: false,
  linkify: false,
  typographer: false,
  highlight(code, lang) {
    const language = lang && hljs.getLanguage(lang) ? lang : 'text';
    const html = deferHighlight ? escapeHtml(code) : hljs.highlight(code, { language, ignoreIllegals: true }).value;
    const mark = deferHighlight ? ` data-highlight="${escapeHtml(language)}"` : '';
    return `<pre class="code" tabindex="0"><code class="hljs language-${escapeHtml(language)}"${mark}>${html}</code></pre>`;
  },
});

// Links open outside the app and never carry the page as referrer.
const linkOpen: RendererRule = (tokens, idx, options, _env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
  tokens[idx]!.attrSet('target', '_blank');
  return self.renderToken(tokens, idx, options);
};
md.renderer.rules.link_open = linkOpen;

// Any base works: a source stays on it only when it is relative to the page (protocol-relative
// and backslash tricks such as `/\\host` resolve elsewhere).
const PROBE_BASE = 'https://rehearse.invalid/';

/** True when loading `src` would fetch from another origin (data: images never leave the device). */
export function isOffOrigin(src: string): boolean {
  if (/^data:image\//i.test(src.trim())) return false;
  try {
    return new URL(src, PROBE_BASE).origin !== new URL(PROBE_BASE).origin;
  } catch {
    return true;
  }
}

function hostOf(src: string): string {
  try {
    return new URL(src, PROBE_BASE).host || src;
  } catch {
    return src;
  }
}

// An image from elsewhere in user text is never fetched by itself: it becomes a link the
// learner may open deliberately (the CSP would block the fetch anyway; this keeps it useful).
const defaultImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const src = String(token.attrGet('src') ?? '');
  if (!isOffOrigin(src)) return defaultImage(tokens, idx, options, env, self);
  const alt = self.renderInlineAsText(token.children ?? [], options, env).trim();
  const label = `Image${alt ? `: ${alt}` : ''} (not loaded, opens ${hostOf(src)})`;
  return `<a class="remote-image" href="${escapeHtml(src)}" target="_blank" rel="noopener noreferrer nofollow">${escapeHtml(label)}</a>`;
};

// Defence in depth for anything that still reaches the sanitiser: no off-origin image source survives.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName !== 'IMG') return;
  const src = node.getAttribute('src');
  if (src !== null && isOffOrigin(src)) node.removeAttribute('src');
  node.removeAttribute('srcset');
});

/** `highlight: 'later'`: code blocks come plain, marked for highlightMarkedCode. */
export function renderMarkdown(source: string, inline = false, highlight: 'now' | 'later' = 'now'): string {
  deferHighlight = highlight === 'later';
  try {
    const html = inline ? md.renderInline(source) : md.render(source);
    // Defence in depth: even though markdown-it escapes HTML, sanitise what reaches the DOM.
    return DOMPurify.sanitize(html, { ADD_ATTR: ['target'] });
  } finally {
    deferHighlight = false;
  }
}

/**
 * Colours the code blocks renderMarkdown left marked, one block per task, and returns a cancel.
 * Highlighting a question's blocks at once took one long task (~150 ms on a phone, grammars
 * compiled on first use) before the page could answer a tap; the text shows plain meanwhile.
 */
export function highlightMarkedCode(root: HTMLElement): () => void {
  const blocks = [...root.querySelectorAll<HTMLElement>('code[data-highlight]')];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const next = () => {
    const block = blocks.shift();
    if (!block) return;
    const language = block.dataset.highlight!;
    const html = hljs.highlight(block.textContent ?? '', { language: hljs.getLanguage(language) ? language : 'text', ignoreIllegals: true }).value;
    block.innerHTML = DOMPurify.sanitize(html);
    block.removeAttribute('data-highlight');
    timer = setTimeout(next, 0);
  };
  timer = setTimeout(next, 0);
  return () => clearTimeout(timer);
}

export const Markdown = memo(function Markdown({
  source,
  inline = false,
  className,
}: {
  source: string;
  inline?: boolean;
  className?: string;
}) {
  const html = useMemo(() => renderMarkdown(source, inline, 'later'), [source, inline]);
  const ref = useRef<HTMLDivElement & HTMLSpanElement>(null);
  // The same html string is never re-set by React, so the coloured blocks stay.
  useEffect(() => (ref.current ? highlightMarkedCode(ref.current) : undefined), [html]);
  const Tag = inline ? 'span' : 'div';
  return <Tag ref={ref} className={className ?? (inline ? undefined : 'prose')} dangerouslySetInnerHTML={{ __html: html }} />;
});
