import { cpus, totalmem, platform, release } from 'node:os';

export interface Row {
  measure: string;
  /** Median of the runs (ms), or a preformatted value such as "412 MB". */
  value: number | string | null;
  floor?: number | null;
  target?: string;
  /** Runs behind the median, shown after the figure when more than one. */
  runs?: number;
  note?: string;
}

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return Math.round(value).toLocaleString('en');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The one table the bench prints: measure | median ms | floor ms | ratio | target. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['measure', 'median ms', 'floor ms', 'ratio', 'target'];
  const body = rows.map((row) => {
    const value =
      row.value === null ? 'n/a' : typeof row.value === 'number' ? `${ms(row.value)}${row.runs && row.runs > 1 ? ` (n=${row.runs})` : ''}` : row.value;
    const floor = row.floor === undefined || row.floor === null ? '—' : ms(row.floor);
    const ratio =
      typeof row.value === 'number' && typeof row.floor === 'number' && row.floor > 0 ? `${(row.value / row.floor).toFixed(1)}×` : '—';
    return [row.note ? `${row.measure} [${row.note}]` : row.measure, value, floor, ratio, row.target ?? '—'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function machineLine(chromium: string): string {
  const cpu = cpus();
  return `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM, ${platform()} ${release()}, Node ${process.version}, ${chromium}`;
}
