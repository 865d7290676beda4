import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseInline, parseMarkdown, safeHttpsUrl, toHtml, toPlainText, type Block } from '../../src/webview/playground/markdown';

const html = (md: string) => toHtml(parseMarkdown(md));

/** Every tag in `out`, e.g. ['p', '/p', 'code']. */
function tags(out: string): string[] {
  return [...out.matchAll(/<(\/?[a-z0-9]+)/gi)].map((m) => m[1]!.toLowerCase());
}

const ALLOWED = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'code', 'strong', 'em', 'a', 'br', 'ul', 'ol', 'li', 'blockquote', 'hr']);

describe('playground markdown', () => {
  describe('raw HTML from a model stays text', () => {
    it('an img with onerror is escaped, visible as text, and no img tag appears', () => {
      const out = html('Look: <img src=x onerror=alert(1)> done');
      assert.equal(out, '<p>Look: &lt;img src=x onerror=alert(1)&gt; done</p>');
      assert.ok(!tags(out).includes('img'));
      assert.equal(toPlainText(parseMarkdown('<img src=x onerror=alert(1)>')), '<img src=x onerror=alert(1)>');
    });

    it('script, iframe, style and event attributes inside every construct stay text', () => {
      const evil = '<script>alert(1)</script><iframe src="javascript:alert(1)"></iframe><style>*{}</style><b onclick="x">';
      const md = [
        `# ${evil}`,
        evil,
        `- ${evil}`,
        `1. ${evil}`,
        `> ${evil}`,
        `**${evil}** *${evil}* \`${evil}\``,
        '```html',
        evil,
        '```',
        `[${evil}](https://example.com/${evil})`,
      ].join('\n\n');
      const out = html(md);
      for (const t of tags(out)) assert.ok(ALLOWED.has(t.replace('/', '')), `unexpected tag <${t}> in ${out}`);
      assert.ok(!/<script|<iframe|<style|<b /i.test(out));
      assert.ok(out.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    });

    it('for any text, only the renderer’s own tags appear, and every attribute value is quoted and escaped', () => {
      const pieces = fc.constantFrom('<', '>', '"', "'", '&', '*', '_', '`', '```', '[', ']', '(', ')', '#', '-', '1.', '>', '\n', ' ', 'img', 'script', 'onerror=', 'https://a.b/', 'javascript:', 'x');
      fc.assert(
        fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 40 }), (parts) => {
          const out = html(parts.join(''));
          for (const t of tags(out)) assert.ok(ALLOWED.has(t.replace('/', '')), `unexpected <${t}> from ${JSON.stringify(parts.join(''))}: ${out}`);
          // the only attributes: a safe https href, an ordered list's start, a code block's language
          for (const m of out.matchAll(/<[a-z0-9]+(\s[^>]*)?>/gi)) {
            const attrs = m[1] ?? '';
            assert.match(attrs, /^(\s(href|start|data-lang)="[^"<>]*")*$/, `attributes ${attrs}`);
            const href = /href="([^"]*)"/.exec(attrs)?.[1];
            if (href !== undefined) assert.match(href, /^https:\/\//);
          }
        }),
        { numRuns: 400 },
      );
    });
  });

  describe('links', () => {
    it('https links become links; other schemes are shown as text', () => {
      assert.deepEqual(parseInline('[docs](https://platform.openai.com/docs)'), [
        { t: 'link', href: 'https://platform.openai.com/docs', children: [{ t: 'text', text: 'docs' }] },
      ]);
      assert.equal(html('[click](javascript:alert(1))'), '<p>click (javascript:alert(1))</p>');
      assert.equal(html('[x](http://example.com)'), '<p>x (http://example.com)</p>');
      assert.equal(html('[x](data:text/html,hi)'), '<p>x (data:text/html,hi)</p>');
      assert.equal(html('<https://example.com/a?b=1&c=2>'), '<p><a href="https://example.com/a?b=1&amp;c=2">https://example.com/a?b=1&amp;c=2</a></p>');
      assert.equal(html('[a](https://user:pw@example.com)'), '<p>a (https://user:pw@example.com)</p>');
    });

    it('safeHttpsUrl accepts only absolute https URLs without credentials', () => {
      assert.equal(safeHttpsUrl('https://example.com/x'), 'https://example.com/x');
      for (const bad of ['http://example.com', 'javascript:alert(1)', '//example.com', 'HTTPS:/x', 'https://u:p@h.com', 'vscode://x', ' file:///etc/passwd']) {
        assert.equal(safeHttpsUrl(bad), undefined, bad);
      }
    });
  });

  describe('blocks and inline', () => {
    it('code blocks keep their text exactly, with the language', () => {
      const blocks = parseMarkdown('Before\n```ts\nconst a = 1 < 2 && "x";\n  indented\n```\nAfter');
      assert.deepEqual(blocks, [
        { t: 'p', children: [{ t: 'text', text: 'Before' }] },
        { t: 'code', lang: 'ts', text: 'const a = 1 < 2 && "x";\n  indented' },
        { t: 'p', children: [{ t: 'text', text: 'After' }] },
      ] satisfies Block[]);
      assert.equal(toHtml(blocks), '<p>Before</p><pre><code data-lang="ts">const a = 1 &lt; 2 &amp;&amp; &quot;x&quot;;\n  indented</code></pre><p>After</p>');
    });

    it('an unclosed fence (a reply still streaming) runs to the end', () => {
      assert.deepEqual(parseMarkdown('```py\nprint(1)\nprint(2'), [{ t: 'code', lang: 'py', text: 'print(1)\nprint(2' }]);
    });

    it('inline code, bold, italics, and their limits', () => {
      assert.equal(html('Use `a*b*c` and **bold** and *it* and _it_ too'), '<p>Use <code>a*b*c</code> and <strong>bold</strong> and <em>it</em> and <em>it</em> too</p>');
      assert.equal(html('snake_case_name stays and 2 * 3 * 4 too'), '<p>snake_case_name stays and 2 * 3 * 4 too</p>');
      assert.equal(html('**unclosed bold'), '<p>**unclosed bold</p>');
      assert.equal(html('``code with ` tick``'), '<p><code>code with ` tick</code></p>');
      assert.equal(html('\\*not em\\*'), '<p>*not em*</p>');
      assert.equal(html('***both***'), '<p><strong><em>both</em></strong></p>');
    });

    it('headings, lists, quotes, rules and line breaks', () => {
      assert.equal(html('## Title\nline one\nline two'), '<h2>Title</h2><p>line one<br>line two</p>');
      assert.equal(html('- a\n- **b**\n  more\n\n- c'), '<ul><li>a</li><li><strong>b</strong><br>more</li><li>c</li></ul>');
      assert.equal(html('3. three\n4. four'), '<ol start="3"><li>three</li><li>four</li></ol>');
      assert.equal(html('> quoted *x*\n> again'), '<blockquote><p>quoted <em>x</em><br>again</p></blockquote>');
      assert.equal(html('a\n\n---\n\nb'), '<p>a</p><hr><p>b</p>');
    });

    it('never throws and cuts runaway text', () => {
      fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void parseMarkdown(s)));
      const nested = '>'.repeat(200) + ' deep';
      assert.ok(html(nested).includes('deep'));
      const long = parseMarkdown('x'.repeat(250_000));
      assert.match(toPlainText(long), /too long to show in full/);
    });
  });
});
