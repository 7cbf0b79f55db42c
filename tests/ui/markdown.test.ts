import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { render, waitFor } from '@testing-library/react';
import { Markdown, renderMarkdown } from '../../src/ui/markdown.tsx';

describe('Markdown rendering of questions and notes', () => {
  it('highlights fenced Python code', () => {
    const html = renderMarkdown('```python\ndef f(x):\n    return x  # done\n```');
    expect(html).toContain('class="hljs language-python"');
    expect(html).toMatch(/<span class="hljs-keyword">def<\/span>/);
    expect(html).toMatch(/<span class="hljs-comment"># done<\/span>/);
  });

  it('shows a question’s code at once, then colours it without ever running markup inside it', async () => {
    const source = 'Intro\n\n```python\ndef f(x):\n    return "<img src=x onerror=alert(1)>"  # done\n```\n\n```bash\necho hi\n```';
    const { container } = render(createElement(Markdown, { source }));
    expect(container.textContent).toContain('def f(x):');
    await waitFor(() => expect(container.querySelectorAll('code [class^="hljs-"]').length).toBeGreaterThan(2));
    expect(container.querySelector('.language-python .hljs-keyword')?.textContent).toBe('def');
    expect(container.querySelector('.language-bash .hljs-built_in')?.textContent).toBe('echo');
    expect(container.querySelector('img, [onerror]')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.querySelector('[data-highlight]')).toBeNull();
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

describe('Images in a learner’s own text', () => {
  const render = (source: string) => {
    const box = document.createElement('div');
    box.innerHTML = renderMarkdown(source);
    return box;
  };

  it.each([
    'http://127.0.0.1:9/x.png',
    'https://example.com/a.png',
    '//example.com/a.png',
    'HTTP://EXAMPLE.COM/a.png',
  ])('shows an image from %s as a link to open, never as an image to fetch', (src) => {
    const box = render(`Look ![a chart](${src}) here`);
    expect(box.querySelector('img')).toBeNull();
    const link = box.querySelector('a.remote-image')!;
    expect(link.textContent).toMatch(/^Image: a chart \(not loaded, opens /);
    expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(link.getAttribute('target')).toBe('_blank');
  });

  it('keeps images from the app itself and inline data images', () => {
    const box = render('![icon](/icon-192.png) ![dot](data:image/png;base64,iVBORw0KGgo=)');
    expect([...box.querySelectorAll('img')].map((img) => img.getAttribute('src'))).toEqual(['/icon-192.png', 'data:image/png;base64,iVBORw0KGgo=']);
    expect(box.querySelector('a.remote-image')).toBeNull();
  });

  it('inline rendering (titles) also never fetches a remote image', () => {
    const box = document.createElement('span');
    box.innerHTML = renderMarkdown('![x](https://example.com/x.png)', true);
    expect(box.querySelector('img')).toBeNull();
    expect(box.querySelector('a.remote-image')?.getAttribute('href')).toBe('https://example.com/x.png');
  });
});
