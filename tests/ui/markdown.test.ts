import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/ui/markdown.tsx';

describe('Markdown rendering of questions and notes', () => {
  it('highlights fenced Python code', () => {
    const html = renderMarkdown('```python\ndef f(x):\n    return x  # done\n```');
    expect(html).toContain('class="hljs language-python"');
    expect(html).toMatch(/<span class="hljs-keyword">def<\/span>/);
    expect(html).toMatch(/<span class="hljs-comment"># done<\/span>/);
  });

  it('shows raw HTML as text and never keeps scripts, handlers or javascript: links', () => {
    const html = renderMarkdown('Hi <img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3)) <a href="#" onclick="alert(4)">y</a>');
    const box = document.createElement('div');
    box.innerHTML = html;
    expect(box.querySelector('img, script, [onerror], [onclick]')).toBeNull();
    expect(box.querySelector('a[href^="javascript"]')).toBeNull();
    expect(box.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('renders lists, emphasis and inline code', () => {
    const html = renderMarkdown('- **bold** and `code`\n- second');
    expect(html).toContain('<li><strong>bold</strong> and <code>code</code></li>');
  });
});
