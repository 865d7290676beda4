/**
 * Numbers, money and token counts as every surface shows them (status bar, hover, Dataset view, statistics view,
 * training summary, on-disk summary, CLI). Pure: the webviews bundle it too.
 */

/**
 * "1,234,567": the digits of a non-negative integer's decimal string in groups of three. What `toLocaleString('en-US')`
 * gives, without it: the first call of any `toLocaleString` or `Intl` formatter loads ICU's locale data, some 75 to
 * 135 ms of a CLI run on a small file (measured, 2-core machine).
 */
function groupDigits(digits: string): string {
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return out;
}

export function fmtInt(n: number): string {
  const r = Math.round(n);
  // Integers that print in plain digits (below 1e21) and are not -0; anything else the locale's way.
  if (Math.abs(r) < 1e21 && !Object.is(r, -0)) return r < 0 ? '-' + groupDigits(String(-r)) : groupDigits(String(r));
  return r.toLocaleString('en-US');
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
  // The en-US formatter rounds the number's shortest decimal form (`String(usd)`) half away from zero; so does this.
  const plain = String(Math.abs(usd));
  if (!plain.includes('e')) {
    const dot = plain.indexOf('.');
    const whole = dot < 0 ? plain : plain.slice(0, dot);
    const frac = dot < 0 ? '' : plain.slice(dot + 1);
    let cents = BigInt(whole + (frac + '00').slice(0, 2));
    if (frac.length > 2 && frac.charCodeAt(2) >= 0x35) cents += 1n;
    const digits = cents.toString().padStart(3, '0');
    return `$${usd < 0 ? '-' : ''}${groupDigits(digits.slice(0, -2))}.${digits.slice(-2)}`;
  }
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
