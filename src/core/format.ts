/**
 * Numbers, money and token counts as every surface shows them (status bar, hover, Dataset view, statistics view,
 * training summary, on-disk summary, CLI). Pure: the webviews bundle it too.
 */

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** One decimal at most: 12.345 → "12.3", 1234.5 → "1,234.5". */
export function fmtNumber(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** 1234 → "1,234"; 12345 → "12.3k"; 1234567 → "1.23M" (token counts). */
export function fmtCompact(n: number): string {
  if (n < 10_000) return fmtInt(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}

/**
 * US dollars. The one rule: 0 → "$0.00"; under a cent, two significant digits ($0.005 → "$0.0050", so a small
 * dataset's cost is never shown as nothing); otherwise cents with thousands separators ($1234.5 → "$1,234.50").
 */
export function fmtUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function fmtPercent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  return `${p.toFixed(p < 10 ? 1 : 0)}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}
