/**
 * The Monte Carlo rank intervals as a chart (SVG): one row per sector, a bar from the 5 % to the
 * 95 % rank, a dot at the median rank, a cross at the nominal rank; unstable ranks in orange.
 */
import type { RankedSector } from '../api/desk';

export function RankIntervalChart({ sectors, selected, onSelect, limit = 25 }: { sectors: RankedSector[]; selected: string | null; onSelect: (code: string) => void; limit?: number }) {
  const shown = sectors.filter((s) => s.monte_carlo).slice(0, limit);
  if (shown.length === 0) return <p className="fr-text--sm">Pas d’analyse d’incertitude (aucun tirage ou aucun secteur classé).</p>;
  const maxRank = Math.max(...shown.map((s) => s.monte_carlo!.p95), ...shown.map((s) => s.rank), 2);
  const row = 20;
  const left = 150;
  const width = 640;
  const plot = width - left - 20;
  const x = (rank: number) => left + ((rank - 1) / (maxRank - 1)) * plot;
  const height = shown.length * row + 36;
  const ticks = Array.from(new Set([1, ...Array.from({ length: 5 }, (_, i) => Math.round(1 + (i * (maxRank - 1)) / 4)), maxRank])).sort((a, b) => a - b);
  return (
    <figure className="fr-m-0" data-testid="rank-interval-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="Rang médian et intervalle 5-95 % de chaque secteur classé">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={10} y2={height - 24} stroke="#e5e5e5" />
            <text x={x(t)} y={height - 8} fontSize="11" textAnchor="middle" fill="#3a3a3a">{t}</text>
          </g>
        ))}
        {shown.map((s, i) => {
          const y = 18 + i * row;
          const mc = s.monte_carlo!;
          const colour = mc.unstable ? '#b34000' : '#000091';
          return (
            // biome-ignore lint/a11y/noStaticElementInteractions: a mouse shortcut inside one image; the table's buttons select the same sector from the keyboard
            <g key={s.code} data-code={s.code} data-testid="rank-interval" onClick={() => onSelect(s.code)} style={{ cursor: 'pointer' }}>
              <rect x={0} y={y - row / 2} width={width} height={row} fill={s.code === selected ? '#e3e3fd' : 'transparent'} />
              <text x={left - 8} y={y + 4} fontSize="11" textAnchor="end" fill="#161616">{s.rank}. {s.name.length > 18 ? `${s.name.slice(0, 17)}…` : s.name}</text>
              <line x1={x(mc.p5)} x2={x(mc.p95)} y1={y} y2={y} stroke={colour} strokeWidth={4} strokeLinecap="round" opacity={0.45} />
              <circle cx={x(mc.median)} cy={y} r={4.5} fill={colour} />
              <path d={`M ${x(s.rank) - 4} ${y - 4} L ${x(s.rank) + 4} ${y + 4} M ${x(s.rank) - 4} ${y + 4} L ${x(s.rank) + 4} ${y - 4}`} stroke="#161616" strokeWidth={1.5} />
            </g>
          );
        })}
      </svg>
      <figcaption className="fr-text--xs fr-mb-0">
        Barre : intervalle 5-95 % des rangs sur les tirages Monte Carlo ; point : rang médian ; croix : rang avec les paramètres choisis. En orange : rang instable.
        {sectors.length > shown.length && ` ${shown.length} premiers secteurs sur ${sectors.length}.`}
      </figcaption>
    </figure>
  );
}
