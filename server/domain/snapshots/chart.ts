/**
 * Monthly trend charts as drawing primitives (pure): one small panel per series (the area, its
 * department, France), each on its own scale, so that a town's few points and France's thousands
 * can be read side by side. Months published as "< 5" are marked along the axis, never drawn as a value.
 */
import { countLabel, frenchNumber, type SnapshotSeries } from './document.js';
import type { Primitive } from './drawing.js';

export function chartPrimitives(months: readonly string[], series: SnapshotSeries, box: { x: number; y: number; w: number; h: number }): Primitive[] {
  const out: Primitive[] = [];
  const top = box.y + 14;
  const bottom = box.y + box.h - 14;
  const left = box.x + 34;
  const right = box.x + box.w - 6;
  const values = series.values;
  const max = Math.max(5, ...values.map((v) => v ?? 0));
  const x = (i: number) => left + (months.length <= 1 ? 0 : (i * (right - left)) / (months.length - 1));
  const y = (v: number) => bottom - (v / max) * (bottom - top);
  const first = values[0];
  const last = values[values.length - 1];
  out.push({ type: 'text', x: box.x, y: box.y, text: `${series.label} — ${countLabel(first)} au premier mois, ${countLabel(last)} au dernier`, size: 8, bold: true, colour: '#161616', align: 'left' });
  out.push({ type: 'line', points: [[left, top], [left, bottom], [right, bottom]], stroke: '#929292', width: 0.5 });
  for (const tick of [0, max]) {
    out.push({ type: 'text', x: left - 4, y: y(tick) - 3.5, text: frenchNumber(tick), size: 6.5, bold: false, colour: '#3a3a3a', align: 'right' });
  }
  months.forEach((month, i) => {
    if (month.endsWith('-01')) {
      out.push({ type: 'line', points: [[x(i), bottom], [x(i), bottom + 2]], stroke: '#929292', width: 0.5 });
      out.push({ type: 'text', x: x(i), y: bottom + 3, text: month.slice(0, 4), size: 6.5, bold: false, colour: '#3a3a3a', align: 'center' });
    }
  });
  let run: number[][] = [];
  const flush = () => { if (run.length > 1) out.push({ type: 'line', points: run, stroke: '#000091', width: 1.2 }); run = []; };
  values.forEach((value, i) => {
    if (value === null) {
      flush();
      out.push({ type: 'rect', x: x(i) - 0.8, y: bottom - 3, w: 1.6, h: 3, fill: '#b1b1f9', stroke: null, width: 0 });
    } else run.push([x(i), y(value)]);
  });
  flush();
  if (values.some((v) => v === null)) {
    out.push({ type: 'text', x: right, y: box.y, text: 'repères bleu clair : mois « < 5 »', size: 6.5, bold: false, colour: '#3a3a3a', align: 'right' });
  }
  return out;
}
