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
        plugins: { legend: { display: true, position: 'bottom', labels: { boxWidth: 10, font: { size: 10 } } }, monthMarker: { index: null } } as never,
      },
      plugins: [marker],
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const instance = chart.current!;
    instance.data.labels = months.map(frenchAxisLabel);
    instance.data.datasets = series.map((s) => ({ label: s.label, data: s.values, borderColor: s.colour, backgroundColor: s.colour, borderWidth: 1.8, pointRadius: 0, borderDash: s.dashed ? [5, 3] : [], spanGaps: false }));
    instance.options.plugins!.legend!.display = series.length > 1;
    instance.update('none');
  }, [months, series]);

  useEffect(() => {
    (chart.current!.options.plugins as { monthMarker: { index: number | null } }).monthMarker.index = markerIndex;
    chart.current!.update('none');
  }, [markerIndex]);

  return (
    <figure className="sillage-chart" style={{ margin: 0 }}>
      <div style={{ position: 'relative', height }}><canvas ref={canvas} role="img" aria-label={title} /></div>
      <figcaption className="fr-text--xs fr-mb-0">{title}</figcaption>
    </figure>
  );
}
