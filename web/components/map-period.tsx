/**
 * The map's period: the window (two month fields and two sliders), the month shown (a slider),
 * playback (play/pause, speed, the rate reached) and the cumulative switch.
 */
import { monthIndex, monthLabel } from '../../server/domain/months';
import { frenchMonth } from '../format';
import type { ViewState } from '../map/view-state';
import { playbackSpeeds } from '../map/playback';
import { MonthField } from './month-field';
import type { PlaybackControls } from './use-playback';

export function MapPeriod({ view, update, playback }: { view: ViewState; update: (patch: Partial<ViewState>) => void; playback: PlaybackControls }) {
  const from = monthIndex(view.from);
  const to = monthIndex(view.to);
  const month = monthIndex(view.month);
  const { played } = playback;
  // A new window keeps the month shown inside it; playing, the clock starts again from there.
  const setWindow = (patch: { from?: string; to?: string }) => {
    const next = { from: patch.from ?? view.from, to: patch.to ?? view.to };
    if (next.from > next.to) return;
    const shown = monthLabel(Math.min(Math.max(month, monthIndex(next.from)), monthIndex(next.to)));
    update({ ...next, month: shown });
    if (playback.playing) playback.reanchor(monthIndex(shown));
  };
  return (
    <section className="sillage-time" aria-label="Période">
      <h2 className="fr-text--md fr-text--bold fr-mb-1w">Période</h2>
      <div className="sillage-window-fields">
        <MonthField id="window-from" label="Début" min="2016-01" max={view.to} value={view.from} onChange={(m) => setWindow({ from: m })} />
        <MonthField id="window-to" label="Fin" min={view.from} max="2030-12" value={view.to} onChange={(m) => setWindow({ to: m })} />
      </div>
      <div className="sillage-window-range">
        <input aria-label="Début de la fenêtre (glisser)" type="range" min={monthIndex('2019-01')} max={monthIndex('2025-12')} value={from} onChange={(e) => setWindow({ from: monthLabel(Math.min(Number(e.target.value), to)) })} />
        <input aria-label="Fin de la fenêtre (glisser)" type="range" min={monthIndex('2019-01')} max={monthIndex('2025-12')} value={to} onChange={(e) => setWindow({ to: monthLabel(Math.max(Number(e.target.value), from)) })} />
      </div>
      <label className="fr-label fr-mt-1w" htmlFor="month-slider">Mois affiché : <strong data-testid="current-month">{frenchMonth(view.month)}</strong></label>
      <input id="month-slider" className="sillage-slider" type="range" min={from} max={to} value={month} onChange={(e) => {
        const chosen = Number(e.target.value);
        if (playback.playing) playback.seek(chosen);
        else update({ month: monthLabel(chosen) });
      }} />
      <div className="sillage-row">
        <button type="button" className={`fr-btn fr-btn--sm ${playback.playing ? 'fr-icon-pause-circle-line' : 'fr-icon-play-circle-line'} fr-btn--icon-left`} onClick={playback.toggle}>{playback.playing ? 'Pause' : 'Lecture'}</button>
        <label className="fr-label" htmlFor="speed">Vitesse
          <select id="speed" className="fr-select" value={playback.speed} onChange={(e) => playback.setSpeed(Number(e.target.value))}>
            {playbackSpeeds.map((s) => <option key={s} value={s}>{s} mois/s</option>)}
          </select>
        </label>
      </div>
      {playback.playing && played.rate !== null && <p className="fr-text--xs fr-mb-1v" data-testid="playback-rate">Cadence réelle : {played.rate.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} mois/s{played.skipped > 0 ? ` (${played.skipped} mois non dessinés pour tenir la cadence)` : ''}</p>}
      <div className="fr-checkbox-group fr-checkbox-group--sm fr-mt-1w">
        <input type="checkbox" id="cumulative" checked={view.cumulative} onChange={(e) => update({ cumulative: e.target.checked })} />
        <label className="fr-label" htmlFor="cumulative">Cumulé depuis le début de la fenêtre</label>
      </div>
    </section>
  );
}
