/**
 * Export exactly the rows on screen. CSV is UTF-8 with a BOM (so Excel reads the Chinese) and formula-safe: a
 * cell that starts with = + - @ (or a tab/CR) gets a leading apostrophe, so a spreadsheet shows it as text
 * instead of running it.
 */
export interface Column<T> { header: string; value: (row: T) => string | number | undefined }

export function csvCell(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T>(rows: T[], columns: Column<T>[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function toJson<T>(rows: T[], columns: Column<T>[]): string {
  return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c.header, c.value(r) ?? null]))), null, 2);
}

/** Text without tags and with entities decoded: what a highlighted server string says. */
export function plainText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
