import type { ReactNode } from 'react';
import { heatLevel } from '../../core/mastery/review-stats.ts';

/**
 * Hand-written SVG charts. Each draws in viewBox units and scales to the width it is
 * given (a 375 px phone included); colours come from the theme's CSS variables through
 * classes in styles.css. The SVG itself is hidden from assistive technology: every chart
 * comes with a summary sentence and a visually hidden table holding the same numbers.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const LONG_DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
const SHORT_DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' };
// toLocaleDateString builds a formatter per call; the heatmap formats 365 dates per render.
// Keyed by the options object: pass module constants, not literals.
const formatters = new Map<Intl.DateTimeFormatOptions, Intl.DateTimeFormat>();

export function formatDateKey(key: string, options: Intl.DateTimeFormatOptions = LONG_DATE): string {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  let formatter = formatters.get(options);
  if (!formatter) formatters.set(options, (formatter = new Intl.DateTimeFormat(undefined, options)));
  return formatter.format(new Date(y, m - 1, d));
}

export interface Bar {
  /** Local date "YYYY-MM-DD". */
  key: string;
  value: number;
}

/**
 * Vertical bars, one per day. `format` writes a value for labels and the table;
 * `caption` is the visible summary sentence.
 */
export function DailyBarChart(props: {
  bars: readonly Bar[];
  caption: ReactNode;
  tableCaption: string;
  valueHeading: string;
  format: (value: number) => string;
  firstLabel?: string;
}) {
  const { bars, format } = props;
  const width = 320;
  const height = 130;
  const top = 16;
  const bottom = 18;
  const plot = height - top - bottom;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = width / Math.max(1, bars.length);
  const barWidth = Math.max(1, slot - 2);
  const label = (i: number) => (i === 0 && props.firstLabel ? props.firstLabel : formatDateKey(bars[i]!.key, SHORT_DATE));
  const ticks = bars.length > 1 ? [0, Math.floor((bars.length - 1) / 2), bars.length - 1] : [0];
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} className="chart-svg" aria-hidden="true" focusable="false">
        <text x={0} y={10} className="chart-label">max {format(max)}</text>
        <line x1={0} x2={width} y1={top} y2={top} className="chart-grid" />
        <line x1={0} x2={width} y1={top + plot} y2={top + plot} className="chart-axis" />
        {bars.map((b, i) => {
          const h = (b.value / max) * plot;
          return (
            <rect key={b.key} x={i * slot + 1} y={top + plot - h} width={barWidth} height={h} className="chart-bar" rx={1}>
              <title>{`${formatDateKey(b.key)}: ${format(b.value)}`}</title>
            </rect>
          );
        })}
        {ticks.map((i, n) => (
          <text
            key={i}
            x={n === 0 ? 0 : n === ticks.length - 1 ? width : i * slot + slot / 2}
            y={height - 4}
            className="chart-label"
            textAnchor={n === 0 ? 'start' : n === ticks.length - 1 ? 'end' : 'middle'}
          >
            {label(i)}
          </text>
        ))}
      </svg>
      <figcaption>{props.caption}</figcaption>
      <table className="visually-hidden">
        <caption>{props.tableCaption}</caption>
        <thead>
          <tr><th scope="col">Day</th><th scope="col">{props.valueHeading}</th></tr>
        </thead>
        <tbody>
          {bars.map((b) => (
            <tr key={b.key}><th scope="row">{formatDateKey(b.key)}</th><td>{format(b.value)}</td></tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/**
 * Reviews per study day as a calendar: one row per month, one column per day of the
 * month, which stays readable on a phone (a week-column grid of a year would not).
 */
export function CalendarHeatmap(props: { days: readonly { key: string; count: number }[]; caption: ReactNode }) {
  const { days } = props;
  const cell = 9;
  const gap = 1.5;
  const left = 44;
  const top = 12;
  const months: { year: number; month: number; days: { day: number; key: string; count: number }[] }[] = [];
  for (const d of days) {
    const [y, m, day] = d.key.split('-').map(Number) as [number, number, number];
    let row = months[months.length - 1];
    if (!row || row.year !== y || row.month !== m) {
      row = { year: y, month: m, days: [] };
      months.push(row);
    }
    row.days.push({ day, key: d.key, count: d.count });
  }
  const max = Math.max(0, ...days.map((d) => d.count));
  const width = left + 31 * (cell + gap);
  const height = top + months.length * (cell + gap);
  const todayKey = days[days.length - 1]?.key;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} className="chart-svg heatmap" aria-hidden="true" focusable="false">
        {[1, 10, 20, 31].map((day) => (
          <text key={day} x={left + (day - 1) * (cell + gap) + cell / 2} y={8} className="chart-label small" textAnchor="middle">{day}</text>
        ))}
        {months.map((row, r) => (
          <g key={`${row.year}-${row.month}`}>
            <text x={0} y={top + r * (cell + gap) + cell - 1} className="chart-label small">
              {/* The year only where it changes: "Dec 25" read as the 25th of December. */}
              {MONTHS[row.month - 1]}{r === 0 || row.month === 1 ? ` ${row.year}` : ''}
            </text>
            {row.days.map((d) => (
              <rect
                key={d.key}
                x={left + (d.day - 1) * (cell + gap)}
                y={top + r * (cell + gap)}
                width={cell}
                height={cell}
                rx={1.5}
                className={`heat heat-${heatLevel(d.count, max)}${d.key === todayKey ? ' heat-today' : ''}`}
              >
                <title>{`${formatDateKey(d.key)}: ${d.count} review${d.count === 1 ? '' : 's'}`}</title>
              </rect>
            ))}
          </g>
        ))}
      </svg>
      <figcaption>{props.caption}</figcaption>
      <table className="visually-hidden">
        <caption>Reviews per month over the last 365 days</caption>
        <thead>
          <tr><th scope="col">Month</th><th scope="col">Days with reviews</th><th scope="col">Reviews</th></tr>
        </thead>
        <tbody>
          {months.map((row) => (
            <tr key={`${row.year}-${row.month}`}>
              <th scope="row">{MONTHS[row.month - 1]} {row.year}</th>
              <td>{row.days.filter((d) => d.count > 0).length}</td>
              <td>{row.days.reduce((sum, d) => sum + d.count, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** One bar split into segments (e.g. the grades), with its own visible legend. */
export function StackedBar(props: { segments: readonly { label: string; share: number; className: string }[] }) {
  let x = 0;
  return (
    <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="stacked-bar" aria-hidden="true" focusable="false">
      <rect x={0} y={0} width={100} height={8} className="chart-track" />
      {props.segments.map((s) => {
        const rect = <rect key={s.label} x={x} y={0} width={s.share * 100} height={8} className={s.className} />;
        x += s.share * 100;
        return rect;
      })}
    </svg>
  );
}
