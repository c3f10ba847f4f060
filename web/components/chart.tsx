/** A line chart of monthly series (Chart.js), with an optional marker on the month shown on the map. */
import { useEffect, useRef } from 'react';
import { frenchAxisLabel } from '../format';
import { Chart, LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler, type Plugin } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

export interface Series { label: string; values: (number | null)[]; colour: string; dashed?: boolean }

const marker: Plugin<'line'> = {
  id: 'monthMarker',
  afterDatasetsDraw(chart) {
    const index = (chart.options.plugins as { monthMarker?: { index: number | null } }).monthMarker?.index;
    if (index === null || index === undefined) return;
    const x = chart.scales.x.getPixelForValue(index);
    const { top, bottom } = chart.chartArea;
    const context = chart.ctx;
    context.save();
    context.strokeStyle = '#000091';
    context.lineWidth = 1.5;
    context.setLineDash([4, 3]);
    context.beginPath();
    context.moveTo(x, top);
    context.lineTo(x, bottom);
    context.stroke();
    context.restore();
  },
};

/** Runs of months (first, last index) where some series is null: counts under 5, not published. */
export function suppressedRuns(series: readonly Series[], length: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < length; i += 1) {
    if (!series.some((s) => s.values[i] === null)) continue;
    const last = runs.at(-1);
    if (last && last[1] === i - 1) last[1] = i; else runs.push([i, i]);
  }
  return runs;
}

/** Suppressed months greyed, with "< 5" written in them when there is room: a gap is never silent. */
const suppressedBands: Plugin<'line'> = {
  id: 'suppressedBands',
  beforeDatasetsDraw(chart) {
    const runs = (chart.options.plugins as { suppressedBands?: { runs: [number, number][] } }).suppressedBands?.runs ?? [];
    if (!runs.length) return;
    const { top, bottom, left, right } = chart.chartArea;
    const x = chart.scales.x;
    const step = x.getPixelForValue(1) - x.getPixelForValue(0) || 0;
    const context = chart.ctx;
    context.save();
    for (const [first, last] of runs) {
      const from = Math.max(left, x.getPixelForValue(first) - step / 2);
      const to = Math.min(right, x.getPixelForValue(last) + step / 2);
      context.fillStyle = 'rgba(146, 146, 146, 0.18)';
      context.fillRect(from, top, to - from, bottom - top);
      context.fillStyle = '#3a3a3a';
      context.font = '11px Marianne, Arial, sans-serif';
      context.textAlign = 'center';
      if (to - from >= 24) context.fillText('< 5', (from + to) / 2, top + (bottom - top) / 2);
    }
    context.restore();
  },
};

export function LineChart({ months, series, markerIndex = null, height = 180, title }: { months: string[]; series: Series[]; markerIndex?: number | null; height?: number; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'line'> | null>(null);

  useEffect(() => {
    chart.current = new Chart(canvas.current!, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: { x: { ticks: { maxTicksLimit: 8, font: { size: 10 } } }, y: { beginAtZero: true, ticks: { precision: 0, font: { size: 10 } } } },
        plugins: { legend: { display: true, position: 'bottom', labels: { boxWidth: 10, font: { size: 10 } } }, monthMarker: { index: null }, suppressedBands: { runs: [] } } as never,
      },
      plugins: [suppressedBands, marker],
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const instance = chart.current!;
    instance.data.labels = months.map(frenchAxisLabel);
    instance.data.datasets = series.map((s) => ({ label: s.label, data: s.values, borderColor: s.colour, backgroundColor: s.colour, borderWidth: 1.8, pointRadius: 0, borderDash: s.dashed ? [5, 3] : [], spanGaps: false }));
    instance.options.plugins!.legend!.display = series.length > 1;
    (instance.options.plugins as { suppressedBands: { runs: [number, number][] } }).suppressedBands.runs = suppressedRuns(series, months.length);
    instance.update('none');
  }, [months, series]);

  useEffect(() => {
    (chart.current!.options.plugins as { monthMarker: { index: number | null } }).monthMarker.index = markerIndex;
    chart.current!.update('none');
  }, [markerIndex]);

  const hidden = suppressedRuns(series, months.length).reduce((n, [first, last]) => n + last - first + 1, 0);
  const note = hidden ? `${hidden} mois grisés « < 5 » : moins de 5 points, chiffre non publié.` : '';
  return (
    <figure className="sillage-chart" style={{ margin: 0 }}>
      <div style={{ position: 'relative', height }}><canvas ref={canvas} role="img" aria-label={note ? `${title}. ${note}` : title} /></div>
      <figcaption className="fr-text--xs fr-mb-0">{title}{note && <span data-testid="suppressed-note"> — {note}</span>}</figcaption>
    </figure>
  );
}
