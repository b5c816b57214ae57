/**
 * CSV for spreadsheet programs: UTF-8 with a BOM (so Excel reads Chinese right), CRLF rows, RFC 4180 quoting,
 * and formula-safe: a spreadsheet runs a cell that starts with = + - @ (or a tab or CR before them) as a formula,
 * so every such cell that is not a plain number gets a leading apostrophe. Numbers (−66.7) stay numbers.
 */

/** Characters that make a spreadsheet read a cell as a formula (full-width forms too: some programs fold them). */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
/** A plain number, which is safe and must stay a number: 12, -66.7, 1e-7. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export type CsvValue = string | number | boolean | null | undefined;

/** One cell: neutralised when it could run as a formula, quoted when it holds a quote, comma or line break. */
export function csvCell(v: CsvValue): string {
  const s = v === undefined || v === null ? '' : String(v);
  const safe = FORMULA_START.test(s) && !(typeof v === 'number' || PLAIN_NUMBER.test(s)) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole CSV document: BOM, header row, one row per entry, CRLF line ends. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
