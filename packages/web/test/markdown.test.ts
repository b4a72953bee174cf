/**
 * The safe markdown subset, rendered by real React (react-dom/server) so the
 * markup checked here is the markup the browser gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Markdown } from '../src/markdown/Markdown.js';
import { parseMarkdown, safeHref } from '@parley/client';

const html = (source: string) => renderToStaticMarkup(createElement(Markdown, { source }));

test('plain text is one paragraph', () => {
  assert.equal(html('hello world'), '<p class="md-p">hello world</p>');
});

test('bold, italic and inline code', () => {
  assert.equal(html('**b** *i* _j_ `c`'), '<p class="md-p"><strong>b</strong> <em>i</em> <em>j</em> <code class="md-code">c</code></p>');
  assert.equal(html('__b__'), '<p class="md-p"><strong>b</strong></p>');
});

test('emphasis nests and unmatched markers stay text', () => {
  assert.equal(html('*a **b** c*'), '<p class="md-p"><em>a <strong>b</strong> c</em></p>');
  assert.equal(html('2 * 3 * 4'), '<p class="md-p">2 * 3 * 4</p>');
  assert.equal(html('**open'), '<p class="md-p">**open</p>');
  assert.equal(html('snake_case_name'), '<p class="md-p">snake_case_name</p>');
});

test('markdown inside inline code is not interpreted', () => {
  assert.equal(html('`**not bold** <b>`'), '<p class="md-p"><code class="md-code">**not bold** &lt;b&gt;</code></p>');
  assert.equal(html('``a ` b``'), '<p class="md-p"><code class="md-code">a ` b</code></p>');
});

test('fenced code blocks keep their text verbatim', () => {
  const out = html('before\n```ts\nconst a = "<b>";\n  **x**\n```\nafter');
  assert.equal(
    out,
    '<p class="md-p">before</p><pre class="md-pre" data-lang="ts"><code>const a = &quot;&lt;b&gt;&quot;;\n  **x**</code></pre><p class="md-p">after</p>',
  );
  // An unclosed fence is plain text.
  assert.equal(html('```\nno end'), '<p class="md-p">```<br/>no end</p>');
});

test('line breaks become <br>', () => {
  assert.equal(html('one\ntwo\n\nthree'), '<p class="md-p">one<br/>two<br/><br/>three</p>');
});

test('links open in a new tab with rel="noopener noreferrer"', () => {
  assert.equal(
    html('see [the docs](https://example.com/a?b=1&c=2)'),
    '<p class="md-p">see <a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a></p>',
  );
});

test('bare URLs are linked without trailing punctuation', () => {
  assert.equal(
    html('go to https://example.com/x. now (https://example.com/y)'),
    '<p class="md-p">go to <a href="https://example.com/x" target="_blank" rel="noopener noreferrer">https://example.com/x</a>. now (<a href="https://example.com/y" target="_blank" rel="noopener noreferrer">https://example.com/y</a>)</p>',
  );
});

test('HTML in a message is text, never markup', () => {
  assert.equal(html('<img src=x onerror=alert(1)>'), '<p class="md-p">&lt;img src=x onerror=alert(1)&gt;</p>');
  assert.equal(html('<script>alert(1)</script>'), '<p class="md-p">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  assert.equal(html('**<b onclick=x>**'), '<p class="md-p"><strong>&lt;b onclick=x&gt;</strong></p>');
});

test('dangerous link targets are not links', () => {
  for (const target of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/x',
    '/relative/path',
    'https:/\\evil',
  ]) {
    const out = html(`[click](${target})`);
    assert.ok(!out.includes('<a'), `${JSON.stringify(target)} became a link: ${out}`);
  }
  assert.ok(!html('javascript:alert(1)').includes('<a'));
  assert.ok(!html('"><img src=x onerror=alert(1)>').includes('<img'));
});

test('an attribute cannot be broken out of through a link', () => {
  const out = html('[x](https://example.com/"onmouseover="alert(1))');
  assert.ok(!/<a[^>]* onmouseover=/.test(out), out);
});

test('safeHref allows only absolute http, https and mailto URLs', () => {
  assert.equal(safeHref('https://example.com'), 'https://example.com/');
  assert.equal(safeHref('HTTP://Example.com/a'), 'http://example.com/a');
  assert.equal(safeHref('mailto:someone@example.com'), 'mailto:someone@example.com');
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref('ftp://example.com'), null);
  assert.equal(safeHref('http://'), null);
});

test('deep nesting and long inputs stay bounded', () => {
  const deep = '*'.repeat(2000) + 'x' + '*'.repeat(2000);
  const started = Date.now();
  const blocks = parseMarkdown(deep + ' ' + '**a'.repeat(1000) + ' ' + '['.repeat(2000));
  assert.ok(blocks.length === 1);
  assert.ok(Date.now() - started < 1000, 'parsing took too long');
});

test('a trailing mark goes inside the last paragraph, or after a final code block', () => {
  const mark = createElement('span', null, '(edited)');
  assert.equal(renderToStaticMarkup(createElement(Markdown, { source: 'a\n\nb', trailing: mark })), '<p class="md-p">a<br/><br/>b<span>(edited)</span></p>');
  assert.equal(
    renderToStaticMarkup(createElement(Markdown, { source: '```\nx\n```', trailing: mark })),
    '<pre class="md-pre"><code>x</code></pre><span>(edited)</span>',
  );
});
