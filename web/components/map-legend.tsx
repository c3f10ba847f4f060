/** The analysts' map legend (hexbins, points, communes, departments, operations) and the hot-spot legend with its progress. */
import { colours, patternColours } from '../map/map-adapter';
import { maxMinSources, type ViewState } from '../map/view-state';
import { capitalised, sizeClassNames } from '../format';
import { patternLabels, type Pattern } from '../../server/domain/analytics/hot-spots';

export interface Indicator { code: string; label: string }

export function Legend({ view, breaks, resolution, finest, suppressed, indicators, onChange, mapZoom, rateBreaks }: {
  view: ViewState; breaks: number[]; resolution: number; finest: number; suppressed: number | null; indicators: Indicator[];
  onChange: (patch: Partial<ViewState>) => void; mapZoom: number; rateBreaks: number[];
}) {
  return (
    <div className="sillage-legend fr-text--xs">
      {view.layers.includes('hexagones') && (
        <div>
          <p className="fr-text--xs fr-mb-1v"><strong>Points actifs par hexagone</strong></p>
          <ul className="sillage-swatches">
            {breaks.map((upper, i) => { const lower = i === 0 ? Math.min(upper, suppressed ?? 1) : breaks[i - 1] + 1; return <li key={upper}><span style={{ background: colours.hexRamp[i] }} />{lower}{upper > lower ? `–${upper}` : ''}</li>; })}
            {suppressed && <li><span style={{ background: '#b7b7b7' }} />&lt; {suppressed} (masqué)</li>}
          </ul>
          <label className="fr-label fr-text--xs" htmlFor="resolution">Résolution H3
            <select id="resolution" className="fr-select" value={String(view.resolution)} onChange={(e) => onChange({ resolution: e.target.value === 'auto' ? 'auto' : Number(e.target.value) })}>
              <option value="auto">Selon le zoom (actuellement {resolution})</option>
              {[4, 5, 6, 7, 8, 9].filter((r) => r <= finest).map((r) => <option key={r} value={r}>{r} ({['≈ 1 770 km²', '≈ 250 km²', '≈ 36 km²', '≈ 5 km²', '≈ 0,7 km²', '≈ 0,1 km²'][r - 4]})</option>)}
            </select>
          </label>
        </div>
      )}
      {view.layers.includes('points') && (
        <>
          <ul className="sillage-swatches">
            <li><span className="dot" style={{ background: colours.active }} />actif</li>
            <li><span className="dot" style={{ background: colours.reopened }} />rouvert</li>
            {view.cumulative && <li><span className="dot" style={{ background: colours.dismantled }} />démantelé depuis</li>}
            {mapZoom < 7 && <li>visibles à partir du zoom 7</li>}
          </ul>
          <label className="fr-label fr-text--xs" htmlFor="min-sources">Fiabilité (mesure 2)
            <select id="min-sources" className="fr-select" value={view.minSources} onChange={(e) => onChange({ minSources: Number(e.target.value) })}>
              <option value={1}>Tous les points</option>
              {Array.from({ length: maxMinSources - 1 }, (_, i) => i + 2).map((k) => <option key={k} value={k}>Confirmés par au moins {k} sources</option>)}
            </select>
          </label>
          {view.minSources > 1 && <p className="fr-text--xs fr-mb-1v" data-testid="min-sources-note">Points et hexagones ne comptent que les points confirmés par au moins {view.minSources} sources.</p>}
        </>
      )}
      {view.layers.includes('communes') && (
        <ul className="sillage-swatches">
          {Object.entries(colours.sizeClasses).map(([code, colour]) => <li key={code}><span style={{ background: colour, border: '1px solid #ccc' }} />{capitalised(sizeClassNames[code])}</li>)}
        </ul>
      )}
      {view.layers.includes('departements') && (
        <div className="sillage-row">
          <label className="fr-label fr-text--xs" htmlFor="indicator">Indicateur (pour 1 000 hab.)
            <select id="indicator" className="fr-select" value={view.indicator} onChange={(e) => onChange({ indicator: e.target.value })}>
              {indicators.map((i) => <option key={i.code} value={i.code}>{i.label}</option>)}
            </select>
          </label>
          <label className="fr-label fr-text--xs" htmlFor="year">Année
            <select id="year" className="fr-select" value={view.year} onChange={(e) => onChange({ year: Number(e.target.value) })}>
              {Array.from({ length: 10 }, (_, i) => 2016 + i).map((y) => <option key={y} value={y}>{y}</option>)}
            </select>
          </label>
        </div>
      )}
      {view.layers.includes('departements') && rateBreaks.length > 0 && (
        <ul className="sillage-swatches" data-testid="rate-legend">
          {rateBreaks.map((upper, i) => <li key={upper}><span style={{ background: colours.rateRamp[i], border: '1px solid #ccc' }} />{i === 0 ? '≤ ' : `${rateBreaks[i - 1].toLocaleString('fr-FR', { maximumFractionDigits: 2 })} – `}{upper.toLocaleString('fr-FR', { maximumFractionDigits: 2 })} ‰</li>)}
        </ul>
      )}
      {view.layers.includes('operations') && <ul className="sillage-swatches"><li><span style={{ border: `2px dashed ${colours.operation}` }} />zone ciblée d’une opération (pâle : pas encore commencée)</li></ul>}
    </div>
  );
}

export function HotSpotLegend({ state }: { state: { status: string; done: number; total: number; patterns?: Record<string, number> } }) {
  if (state.status !== 'done') {
    return (
      <div className="fr-text--xs" role="status" data-testid="hotspot-progress">
        Analyse des tendances : {state.done} / {state.total} mois
        <progress max={state.total} value={state.done} style={{ width: '100%' }} />
      </div>
    );
  }
  const entries = Object.entries(state.patterns ?? {}).filter(([p]) => p !== 'no_pattern').sort((a, b) => b[1] - a[1]);
  return (
    <div className="sillage-legend fr-text--xs" data-testid="hotspot-legend">
      <p className="fr-text--xs fr-mb-1v"><strong>Tendances émergentes</strong> (Gi* et test exact conditionnel du voisinage, FDR 5 % par mois, tendance de Mann-Kendall)</p>
      <ul className="sillage-swatches">
        {entries.map(([pattern, count]) => <li key={pattern}><span style={{ background: patternColours[pattern] }} />{patternLabels[pattern as Pattern] ?? pattern} ({count})</li>)}
        {entries.length === 0 && <li>aucune tendance significative</li>}
      </ul>
    </div>
  );
}
