/**
 * A small, pure Markdown reader for model replies in the playground. It never produces HTML: it turns text into a
 * tree of a few known node kinds (paragraphs, headings, lists, quotes, code blocks, inline code, bold, italics,
 * links), and the page builds DOM elements from that tree with `createElement` and `textContent` only. Whatever a
 * model writes, raw HTML included (`<img src=x onerror=...>`, `<script>`), ends up as text.
 *
 * Links: only absolute `https:` URLs become links (the page asks the host to open them); any other target is shown as
 * text next to its label. `toHtml` serialises a tree with everything escaped, for tests and previews.
 *
 * Partial text (a reply still streaming in) is fine: an unclosed code fence runs to the end, an unclosed `**` stays
 * literal text. No DOM and no `vscode` here, so it is unit tested in plain Node.
 */

export type Inline =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'code'; readonly text: string }
  | { readonly t: 'strong'; readonly children: readonly Inline[] }
  | { readonly t: 'em'; readonly children: readonly Inline[] }
  | { readonly t: 'link'; readonly href: string; readonly children: readonly Inline[] }
  | { readonly t: 'br' };

export type Block =
  | { readonly t: 'p'; readonly children: readonly Inline[] }
  | { readonly t: 'heading'; readonly level: 1 | 2 | 3 | 4 | 5 | 6; readonly children: readonly Inline[] }
  | { readonly t: 'code'; readonly lang: string; readonly text: string }
  | { readonly t: 'list'; readonly ordered: boolean; readonly start: number; readonly items: ReadonlyArray<readonly Inline[]> }
  | { readonly t: 'quote'; readonly children: readonly Block[] }
  | { readonly t: 'hr' };

/** Characters at most parsed (a runaway reply is cut here, with a note). */
export const MAX_MARKDOWN_CHARS = 200_000;
const MAX_DEPTH = 8;

/** A safe `https:` URL (absolute, no credentials), normalised; otherwise undefined. */
export function safeHttpsUrl(raw: string): string | undefined {
  const text = raw.trim();
  if (!/^https:\/\//i.test(text)) return undefined;
  try {
    const u = new URL(text);
    if (u.protocol !== 'https:' || u.username || u.password || !u.hostname) return undefined;
    return u.toString();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const HR = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const BULLET = /^( *)([-*+])\s+(.*)$/;
const ORDERED = /^( *)(\d{1,9})[.)]\s+(.*)$/;

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || HR.test(line) || QUOTE.test(line) || BULLET.test(line) || ORDERED.test(line);
}

/** Reads Markdown text into blocks. Never throws. */
export function parseMarkdown(input: string, depth = 0): Block[] {
  let text = input.replace(/\r\n?/g, '\n');
  let cut = false;
  if (text.length > MAX_MARKDOWN_CHARS) {
    text = text.slice(0, MAX_MARKDOWN_CHARS);
    cut = true;
  }
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length) {
        const l = lines[i]!;
        const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(l);
        if (close && close[1]![0] === marker[0] && close[1]!.length >= marker.length) {
          i++;
          break;
        }
        body.push(l);
        i++;
      }
      blocks.push({ t: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ t: 'heading', level: heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6, children: parseInline(heading[2] ?? '', depth) });
      i++;
      continue;
    }
    if (HR.test(line)) {
      blocks.push({ t: 'hr' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) {
        inner.push(QUOTE.exec(lines[i]!)![1]!);
        i++;
      }
      blocks.push(depth < MAX_DEPTH ? { t: 'quote', children: parseMarkdown(inner.join('\n'), depth + 1) } : { t: 'p', children: textWithBreaks(inner.join('\n')) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = bullet ? null : ORDERED.exec(line);
    if (bullet || ordered) {
      const isOrdered = !!ordered;
      const re = isOrdered ? ORDERED : BULLET;
      const items: string[][] = [];
      while (i < lines.length) {
        const l = lines[i]!;
        const m = re.exec(l);
        if (m) {
          items.push([m[3]!]);
          i++;
          continue;
        }
        // A continuation: an indented line (or a lazy one) right after an item.
        if (l.trim() !== '' && items.length && (/^\s+/.test(l) || !startsBlock(l))) {
          items[items.length - 1]!.push(l.trim());
          i++;
          continue;
        }
        // A blank line between items of the same list keeps the list going.
        if (l.trim() === '' && i + 1 < lines.length && re.test(lines[i + 1]!)) {
          i++;
          continue;
        }
        break;
      }
      blocks.push({
        t: 'list',
        ordered: isOrdered,
        start: ordered ? Number(ordered[2]) : 1,
        items: items.map((parts) => parseInline(parts.join('\n'), depth)),
      });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && (para.length === 0 || !startsBlock(lines[i]!))) {
      para.push(lines[i]!);
      i++;
    }
    blocks.push({ t: 'p', children: parseInline(para.join('\n'), depth) });
  }
  if (cut) blocks.push({ t: 'p', children: [{ t: 'text', text: '[…the reply is too long to show in full]' }] });
  return blocks;
}

// ---------------------------------------------------------------------------------------------------------------
// Inline

function textWithBreaks(text: string): Inline[] {
  const out: Inline[] = [];
  text.split('\n').forEach((part, k) => {
    if (k > 0) out.push({ t: 'br' });
    if (part) out.push({ t: 'text', text: part });
  });
  return out;
}

const ESCAPABLE = /[\\`*_{}[\]()#+\-.!<>|~"']/;

/** Reads inline Markdown: code spans, `**strong**`, `*em*`, `[label](https://...)`, `<https://...>`, escapes. */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push(...textWithBreaks(buf));
    buf = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1]!)) {
      buf += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 1;
      while (text[i + n] === '`') n++;
      const ticks = '`'.repeat(n);
      let close = text.indexOf(ticks, i + n);
      while (close >= 0 && text[close + n] === '`') close = text.indexOf(ticks, close + n + 1);
      if (close > i) {
        flush();
        let code = text.slice(i + n, close).replace(/\n/g, ' ');
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim()) code = code.slice(1, -1);
        out.push({ t: 'code', text: code });
        i = close + n;
        continue;
      }
      buf += ticks;
      i += n;
      continue;
    }
    if ((c === '*' || c === '_') && depth < MAX_DEPTH) {
      const double = text[i + 1] === c;
      const marker = double ? c + c : c;
      const prev = i > 0 ? text[i - 1]! : ' ';
      const next = text[i + marker.length] ?? ' ';
      const opens = !/\s/.test(next) && !(c === '_' && /[\p{L}\p{N}]/u.test(prev));
      if (opens) {
        const close = findCloser(text, i + marker.length, marker);
        if (close > 0) {
          flush();
          const inner = parseInline(text.slice(i + marker.length, close), depth + 1);
          out.push(double ? { t: 'strong', children: inner } : { t: 'em', children: inner });
          i = close + marker.length;
          continue;
        }
      }
      buf += marker;
      i += marker.length;
      continue;
    }
    if (c === '[' && depth < MAX_DEPTH) {
      const link = readLink(text, i);
      if (link) {
        flush();
        const label = parseInline(link.label, depth + 1);
        const href = safeHttpsUrl(link.url);
        if (href) out.push({ t: 'link', href, children: label });
        else {
          out.push(...label);
          if (link.url.trim() && link.url.trim() !== link.label.trim()) out.push({ t: 'text', text: ` (${link.url.trim()})` });
        }
        i = link.end;
        continue;
      }
    }
    if (c === '<') {
      const m = /^<(https:\/\/[^\s<>]+)>/i.exec(text.slice(i, i + 2048));
      const href = m ? safeHttpsUrl(m[1]!) : undefined;
      if (m && href) {
        flush();
        out.push({ t: 'link', href, children: [{ t: 'text', text: m[1]! }] });
        i += m[0].length;
        continue;
      }
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}

/** The index of the closing `marker` for an opener ending at `from`: not preceded by whitespace, not empty. */
function findCloser(text: string, from: number, marker: string): number {
  let j = from;
  while (j < text.length) {
    const k = text.indexOf(marker, j);
    if (k < 0) return -1;
    if (text[k - 1] === '\\') {
      j = k + 1;
      continue;
    }
    // `**` is not a closer for `*`, and a closer needs text before it.
    const longer = marker.length === 1 && text[k + 1] === marker;
    if (k > from && !/\s/.test(text[k - 1]!) && !longer) {
      if (marker[0] === '_' && /[\p{L}\p{N}]/u.test(text[k + marker.length] ?? '')) {
        j = k + marker.length;
        continue;
      }
      // `***` closing `**`: the inner `*` belongs to the text inside (`***both***`).
      if (marker.length === 2 && text[k + 2] === marker[0]) return k + 1;
      return k;
    }
    j = k + (longer ? 2 : marker.length);
  }
  return -1;
}

function readLink(text: string, start: number): { label: string; url: string; end: number } | undefined {
  let depth = 0;
  let j = start;
  for (; j < text.length; j++) {
    const ch = text[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '[') depth++;
    else if (ch === ']') {
      depth--;
      if (depth === 0) break;
    } else if (ch === '\n' && text[j + 1] === '\n') return undefined;
  }
  if (j >= text.length || text[j + 1] !== '(') return undefined;
  const close = text.indexOf(')', j + 2);
  if (close < 0) return undefined;
  const target = text.slice(j + 2, close).trim();
  if (/\s/.test(target.replace(/\s+"[^"]*"$/, ''))) return undefined;
  return { label: text.slice(start + 1, j), url: target.replace(/\s+"[^"]*"$/, ''), end: close + 1 };
}

// ---------------------------------------------------------------------------------------------------------------
// Serialising (tests, previews)

const ESC: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c]!);
}

export function inlineToHtml(nodes: readonly Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return escapeHtml(n.text);
        case 'code':
          return `<code>${escapeHtml(n.text)}</code>`;
        case 'strong':
          return `<strong>${inlineToHtml(n.children)}</strong>`;
        case 'em':
          return `<em>${inlineToHtml(n.children)}</em>`;
        case 'link':
          return `<a href="${escapeHtml(n.href)}">${inlineToHtml(n.children)}</a>`;
        case 'br':
          return '<br>';
      }
    })
    .join('');
}

/** The tree as HTML, every text and attribute escaped. Only the tags above ever appear. */
export function toHtml(blocks: readonly Block[]): string {
  return blocks
    .map((b) => {
      switch (b.t) {
        case 'p':
          return `<p>${inlineToHtml(b.children)}</p>`;
        case 'heading':
          return `<h${b.level}>${inlineToHtml(b.children)}</h${b.level}>`;
        case 'code':
          return `<pre><code${b.lang ? ` data-lang="${escapeHtml(b.lang)}"` : ''}>${escapeHtml(b.text)}</code></pre>`;
        case 'list': {
          const tag = b.ordered ? 'ol' : 'ul';
          const start = b.ordered && b.start !== 1 ? ` start="${b.start}"` : '';
          return `<${tag}${start}>${b.items.map((it) => `<li>${inlineToHtml(it)}</li>`).join('')}</${tag}>`;
        }
        case 'quote':
          return `<blockquote>${toHtml(b.children)}</blockquote>`;
        case 'hr':
          return '<hr>';
      }
    })
    .join('');
}

/** Plain text of a tree (for copying, tests). */
export function toPlainText(blocks: readonly Block[]): string {
  const inline = (nodes: readonly Inline[]): string =>
    nodes.map((n) => (n.t === 'br' ? '\n' : n.t === 'text' || n.t === 'code' ? n.text : inline(n.children))).join('');
  return blocks
    .map((b) => {
      switch (b.t) {
        case 'p':
        case 'heading':
          return inline(b.children);
        case 'code':
          return b.text;
        case 'list':
          return b.items.map((it) => inline(it)).join('\n');
        case 'quote':
          return toPlainText(b.children);
        case 'hr':
          return '';
      }
    })
    .join('\n');
}
