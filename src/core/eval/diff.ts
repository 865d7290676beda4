/**
 * A word diff (longest common subsequence over words and the whitespace between them), for showing a reply against
 * its reference. Pure; used by the results page.
 */

export interface DiffPart {
  /** `same`: in both; `del`: only in the reference; `add`: only in the reply. */
  readonly op: 'same' | 'del' | 'add';
  readonly text: string;
}

/** Words with their trailing whitespace. */
function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Above this many cells the table is not built: the whole texts are shown as removed and added. */
const MAX_CELLS = 1_000_000;

export function wordDiff(reference: string, reply: string): DiffPart[] {
  const a = words(reference);
  const b = words(reply);
  const key = (w: string) => w.trim();
  if (a.length * b.length > MAX_CELLS) {
    return [...(reference ? [{ op: 'del' as const, text: reference }] : []), ...(reply ? [{ op: 'add' as const, text: reply }] : [])];
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const n = a.length;
  const m = b.length;
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[at(i, j)] = key(a[i]!) === key(b[j]!) ? lcs[at(i + 1, j + 1)]! + 1 : Math.max(lcs[at(i + 1, j)]!, lcs[at(i, j + 1)]!);
    }
  }
  const parts: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    const last = parts[parts.length - 1];
    if (last && last.op === op) parts[parts.length - 1] = { op, text: last.text + text };
    else parts.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (key(a[i]!) === key(b[j]!)) {
      push('same', b[j]!);
      i++;
      j++;
    } else if (lcs[at(i + 1, j)]! >= lcs[at(i, j + 1)]!) {
      push('del', a[i++]!);
    } else {
      push('add', b[j++]!);
    }
  }
  while (i < n) push('del', a[i++]!);
  while (j < m) push('add', b[j++]!);
  return parts;
}
