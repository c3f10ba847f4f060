/**
 * The ranking's parameters: weight sliders per criterion (with its definition, and a notice when
 * the criterion has no data), normalisation, aggregation, conjunctive thresholds per indicator,
 * Monte Carlo draws and seed. Plain controlled inputs: the page owns the parameters.
 */
import type { Indicator, Parameters, RankingResponse, Threshold } from '../api/desk';

export interface Controls {
  weights: Record<string, number>; normalisation: Parameters['normalisation']; aggregation: Parameters['aggregation'];
  thresholds: Record<string, Threshold> | null; draws: number; seed: number; minActive: number;
}

export function RankingControls({ controls, onChange, ranking }: { controls: Controls; onChange: (next: Controls) => void; ranking: RankingResponse | null }) {
  const set = (patch: Partial<Controls>) => onChange({ ...controls, ...patch });
  const total = Object.values(controls.weights).reduce((sum, w) => sum + w, 0);
  const share = (criterion: number) => (total > 0 ? Math.round((100 * (controls.weights[criterion] ?? 0)) / total) : 0);
  const thresholds = controls.thresholds ?? ranking?.parameters.thresholds ?? {};
  const indicators: Indicator[] = ranking?.result.indicators ?? [];
  const setThreshold = (code: string, text: string) => {
    const next = { ...thresholds };
    if (text.trim() === '') delete next[code];
    else if (text.trim().toLowerCase() === 'médiane') next[code] = { median: true };
    else if (Number.isFinite(Number(text.replace(',', '.')))) next[code] = { minimum: Number(text.replace(',', '.')) };
    set({ thresholds: next });
  };
  return (
    <form className="fr-mb-2w" onSubmit={(e) => e.preventDefault()} aria-label="Paramètres du classement">
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend fr-text--md">Poids des critères (score composite)</legend>
        {(ranking?.criteria ?? [1, 2, 3, 4].map((c) => ({ criterion: c, label: `Critère ${c}`, definition: '', has_data: true }))).map((c) => (
          <div className="fr-fieldset__element" key={c.criterion}>
            <div className="fr-range-group">
              <label className="fr-label" htmlFor={`weight-${c.criterion}`}>{c.criterion}. {c.label} : <strong data-testid={`weight-value-${c.criterion}`}>{controls.weights[c.criterion] ?? 0}</strong> ({share(c.criterion)} %)
                <span className="fr-hint-text">{c.definition}</span>
                {!c.has_data && <span className="fr-hint-text fr-text-default--warning" data-testid={`no-data-${c.criterion}`}>Aucune valeur dans ce département : poids 0 par défaut{c.criterion === 4 ? ' (à saisir par la préfecture, jamais calculé).' : '.'}</span>}
              </label>
              <input id={`weight-${c.criterion}`} type="range" min={0} max={5} step={1} value={controls.weights[c.criterion] ?? 0}
                onChange={(e) => set({ weights: { ...controls.weights, [c.criterion]: Number(e.target.value) } })} />
            </div>
          </div>
        ))}
      </fieldset>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-6">
          <label className="fr-label" htmlFor="normalisation">Normalisation</label>
          <select id="normalisation" className="fr-select" value={controls.normalisation} onChange={(e) => set({ normalisation: e.target.value as Controls['normalisation'] })}>
            <option value="min_max">Min-max (0 au minimum, 1 au maximum)</option>
            <option value="rank">Rang (rang croissant ramené entre 0 et 1)</option>
          </select>
        </div>
        <div className="fr-col-6">
          <label className="fr-label" htmlFor="aggregation">Agrégation</label>
          <select id="aggregation" className="fr-select" value={controls.aggregation} onChange={(e) => set({ aggregation: e.target.value as Controls['aggregation'] })}>
            <option value="arithmetic">Arithmétique (compensation totale)</option>
            <option value="geometric">Géométrique (compensation partielle)</option>
          </select>
        </div>
        <div className="fr-col-4">
          <label className="fr-label" htmlFor="draws">Tirages Monte Carlo</label>
          <input id="draws" className="fr-input" type="number" min={0} max={5000} value={controls.draws} onChange={(e) => set({ draws: Math.max(0, Math.min(5000, Number(e.target.value) || 0)) })} />
        </div>
        <div className="fr-col-4">
          <label className="fr-label" htmlFor="seed">Graine</label>
          <input id="seed" className="fr-input" type="number" min={0} value={controls.seed} onChange={(e) => set({ seed: Math.max(0, Number(e.target.value) || 0) })} />
        </div>
        <div className="fr-col-4">
          <label className="fr-label" htmlFor="min-active">Points actifs min.</label>
          <input id="min-active" className="fr-input" type="number" min={0} max={1000} value={controls.minActive} onChange={(e) => set({ minActive: Math.max(0, Number(e.target.value) || 0) })} />
        </div>
      </div>
      <details className="fr-mt-2w">
        <summary>Seuils de la règle conjonctive (un nombre, « médiane », ou vide : non testé)</summary>
        {ranking?.threshold_notes.map((note) => <p className="fr-text--xs fr-mb-0" key={note}>Défaut — {note}</p>)}
        {indicators.map((indicator) => {
          const threshold = thresholds[indicator.code];
          const text = threshold === undefined ? '' : 'median' in threshold ? 'médiane' : String(threshold.minimum);
          return (
            <div className="fr-input-group fr-mb-1w" key={indicator.code}>
              <label className="fr-label fr-text--sm" htmlFor={`threshold-${indicator.code}`}>{indicator.criterion}. {indicator.label}{ranking?.result.thresholds[indicator.code] != null && ` (seuil appliqué : ${ranking.result.thresholds[indicator.code]!.toLocaleString('fr-FR')})`}</label>
              <input id={`threshold-${indicator.code}`} className="fr-input" defaultValue={text} onBlur={(e) => setThreshold(indicator.code, e.target.value)} />
            </div>
          );
        })}
      </details>
    </form>
  );
}
