/**
 * What the prefecture supplies, on screen: an indicator file per sector (criterion 3 or 4), one
 * criterion-4 value with its source and justification (journalised), areas as GeoJSON.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { DrawnAreaPicker } from './drawn-area-picker';
import { send, sendFile } from '../api/send';
import type { SectorKind } from '../api/desk';

function Message({ text }: { text: { ok: boolean; message: string } | null }) {
  if (!text) return null;
  return <div className={`fr-alert fr-alert--sm ${text.ok ? 'fr-alert--success' : 'fr-alert--error'} fr-mt-1w`} role={text.ok ? 'status' : 'alert'}><p>{text.message}</p></div>;
}

export function PrefectureForms({ department, kind, canWrite, onChanged }: { department: string; kind: SectorKind; canWrite: boolean; onChanged: () => void }) {
  const [fileMessage, setFileMessage] = useState<{ ok: boolean; message: string } | null>(null);
  const [entryMessage, setEntryMessage] = useState<{ ok: boolean; message: string } | null>(null);
  const [areaMessage, setAreaMessage] = useState<{ ok: boolean; message: string } | null>(null);
  const [drawnMessage, setDrawnMessage] = useState<{ ok: boolean; message: string } | null>(null);
  const [drawn, setDrawn] = useState<GeoJSON.Polygon | null>(null);
  const onDrawn = useCallback((polygon: GeoJSON.Polygon | null) => setDrawn(polygon), []);
  if (!canWrite) return <p className="fr-text--sm">Lecture seule : seules la préfecture et l’OFAST saisissent ou importent des indicateurs.</p>;

  const importFile = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file') as File | null;
    if (!file || file.size === 0) { setFileMessage({ ok: false, message: 'Choisissez un fichier CSV.' }); return; }
    try {
      const query = { department, kind, indicator: String(form.get('indicator')), criterion: String(form.get('criterion')) };
      const report = await sendFile('/api/sectors/indicator-imports', await file.text(), 'text/csv', { query });
      setFileMessage({ ok: true, message: `${report.rows} lignes lues : ${report.inserted} nouvelles versions, ${report.unchanged} inchangées.` });
      onChanged();
    } catch (error) { setFileMessage({ ok: false, message: (error as Error).message }); }
  };
  const enter = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await send('POST', '/api/sectors/criterion-4', { body: {
        department, kind, code: String(form.get('code')).trim(), value: Number(String(form.get('value')).replace(',', '.')),
        source: String(form.get('source')), observed_on: String(form.get('observed_on')), justification: String(form.get('justification')),
      } });
      setEntryMessage({ ok: true, message: 'Valeur enregistrée (nouvelle version, inscrite au journal).' });
      onChanged();
    } catch (error) { setEntryMessage({ ok: false, message: (error as Error).message }); }
  };
  const importAreas = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get('areas') as File | null;
    if (!file || file.size === 0) { setAreaMessage({ ok: false, message: 'Choisissez un fichier GeoJSON.' }); return; }
    try {
      const body = JSON.parse(await file.text());
      const saved = await send('POST', '/api/sectors/areas', { query: { department }, body });
      setAreaMessage({ ok: true, message: `${saved.items.length} zone(s) enregistrée(s) : choisissez « Zones » comme type de secteur.` });
      onChanged();
    } catch (error) { setAreaMessage({ ok: false, message: error instanceof SyntaxError ? 'Ce fichier n’est pas du GeoJSON lisible.' : (error as Error).message }); }
  };
  const saveDrawn = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (!drawn) { setDrawnMessage({ ok: false, message: 'Dessinez la zone sur la carte (trois sommets au moins).' }); return; }
    try {
      const body = { type: 'FeatureCollection' as const, features: [{ type: 'Feature' as const, properties: { code: String(form.get('code')).trim(), name: String(form.get('name')).trim() }, geometry: drawn }] };
      const saved = await send('POST', '/api/sectors/areas', { query: { department }, body });
      setDrawnMessage({ ok: true, message: `${saved.items.length} zone enregistrée : choisissez « Zones » comme type de secteur.` });
      onChanged();
    } catch (error) { setDrawnMessage({ ok: false, message: (error as Error).message }); }
  };
  return (
    <div className="fr-grid-row fr-grid-row--gutters">
      <form className="fr-col-12 fr-col-lg-4" onSubmit={importFile} aria-label="Importer un indicateur">
        <h4 className="fr-h6">Importer un indicateur (CSV)</h4>
        <p className="fr-text--xs">Colonnes : code;valeur;source;date (et justification pour le critère 4). Tout ou rien ; réimporter le même fichier ne crée rien.</p>
        <div className="fr-input-group"><label className="fr-label" htmlFor="import-indicator">Code de l’indicateur</label><input className="fr-input" id="import-indicator" name="indicator" required pattern="[a-z0-9_]{1,40}" defaultValue="troubles_ordre_public" /></div>
        <div className="fr-select-group"><label className="fr-label" htmlFor="import-criterion">Critère</label>
          <select className="fr-select" id="import-criterion" name="criterion" defaultValue="3"><option value="3">3 — troubles à l’ordre public</option><option value="4">4 — immigration irrégulière, repli communautaire</option></select></div>
        <div className="fr-upload-group"><label className="fr-label" htmlFor="import-file">Fichier</label><input className="fr-upload" type="file" id="import-file" name="file" accept=".csv,text/csv" /></div>
        <button className="fr-btn fr-btn--secondary fr-mt-1w" type="submit">Importer</button>
        <Message text={fileMessage} />
      </form>
      <form className="fr-col-12 fr-col-lg-4" onSubmit={enter} aria-label="Saisir le critère 4">
        <h4 className="fr-h6">Saisir le critère 4 pour un secteur</h4>
        <p className="fr-text--xs">Jamais calculé par Sillage. Source et justification obligatoires ; chaque saisie est journalisée.</p>
        <div className="fr-input-group"><label className="fr-label" htmlFor="c4-code">Code du secteur (INSEE…)</label><input className="fr-input" id="c4-code" name="code" required /></div>
        <div className="fr-input-group"><label className="fr-label" htmlFor="c4-value">Valeur</label><input className="fr-input" id="c4-value" name="value" required inputMode="decimal" /></div>
        <div className="fr-input-group"><label className="fr-label" htmlFor="c4-source">Source</label><input className="fr-input" id="c4-source" name="source" required maxLength={300} /></div>
        <div className="fr-input-group"><label className="fr-label" htmlFor="c4-date">Date de la valeur</label><input className="fr-input" id="c4-date" name="observed_on" type="date" required /></div>
        <div className="fr-input-group"><label className="fr-label" htmlFor="c4-justification">Justification (10 caractères au moins)</label><textarea className="fr-input" id="c4-justification" name="justification" required minLength={10} maxLength={2000} /></div>
        <button className="fr-btn fr-btn--secondary fr-mt-1w" type="submit">Enregistrer</button>
        <Message text={entryMessage} />
      </form>
      <form className="fr-col-12 fr-col-lg-4" onSubmit={importAreas} aria-label="Importer des zones">
        <h4 className="fr-h6">Importer des zones (GeoJSON)</h4>
        <p className="fr-text--xs">FeatureCollection de polygones en WGS 84, propriétés « code » et « name » ; chaque zone doit être au moins pour moitié dans le département.</p>
        <div className="fr-upload-group"><label className="fr-label" htmlFor="areas-file">Fichier</label><input className="fr-upload" type="file" id="areas-file" name="areas" accept=".geojson,.json,application/geo+json,application/json" /></div>
        <button className="fr-btn fr-btn--secondary fr-mt-1w" type="submit">Importer</button>
        <Message text={areaMessage} />
      </form>
      <form className="fr-col-12" onSubmit={saveDrawn} aria-label="Dessiner une zone">
        <h4 className="fr-h6">Dessiner une zone</h4>
        <DrawnAreaPicker onChange={onDrawn} hint="Elle devient un secteur de la préfecture (au moins pour moitié dans le département)." />
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-4 fr-input-group"><label className="fr-label" htmlFor="drawn-code">Code de la zone</label><input className="fr-input" id="drawn-code" name="code" required pattern="[A-Za-z0-9_\-]{1,40}" /></div>
          <div className="fr-col-12 fr-col-md-8 fr-input-group"><label className="fr-label" htmlFor="drawn-name">Nom</label><input className="fr-input" id="drawn-name" name="name" required maxLength={100} /></div>
        </div>
        <button className="fr-btn fr-btn--secondary fr-mt-1w" type="submit">Enregistrer la zone</button>
        <Message text={drawnMessage} />
      </form>
    </div>
  );
}
