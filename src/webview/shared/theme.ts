/**
 * VS Code's theme, as the page sees it: the `--vscode-*` CSS variables VS Code sets on the page, read with
 * `getComputedStyle`, and a notification when the theme changes (VS Code swaps the body's `vscode-light` /
 * `vscode-dark` / `vscode-high-contrast` class and rewrites the variables on `<html>`).
 */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export interface ThemeColors {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly bar: string;
  readonly barSelected: string;
  readonly over: string;
  readonly limit: string;
  readonly font: string;
}

export function themeColors(): ThemeColors {
  const fontFamily = cssVar('--vscode-font-family', 'sans-serif');
  const fontSize = cssVar('--vscode-font-size', '13px');
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#9d9d9d'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808059')),
    bar: cssVar('--vscode-charts-blue', '#3794ff'),
    barSelected: cssVar('--vscode-charts-orange', '#d18616'),
    over: cssVar('--vscode-charts-red', '#f14c4c'),
    limit: cssVar('--vscode-editorWarning-foreground', '#cca700'),
    font: `${fontSize} ${fontFamily}`,
  };
}

/** Calls `listener` (once per frame at most) after the theme changed. */
export function onThemeChange(listener: () => void): void {
  let pending = false;
  const fire = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      listener();
    });
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
