/**
 * Public report (measure 16): place a pin or name a commune, say what was seen and when. No
 * account; nothing about the person is kept. The form token must be at least 3 s old.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, type CommuneHit } from '../api/client';
import { get } from '../api/routes';
import { send, type SendRoutes } from '../api/send';
import { SillageMap } from '../map/map-adapter';
import { useCommuneSearch } from '../components/commune-search';

type Report = SendRoutes['POST /api/public/reports']['body'];
type Seen = Report['seen'][number];
type Time = NonNullable<Report['times_of_day']>[number];
const seenOptions: [Seen, string][] = [
  ['vente', 'Vente de produits'], ['guetteurs', 'Guetteurs (« chouffes »)'], ['file_acheteurs', 'File ou passage d’acheteurs'],
  ['consommation', 'Consommation sur place'], ['vente_vehicule', 'Vente depuis un véhicule'], ['rassemblement', 'Rassemblement régulier'], ['autre', 'Autre'],
];
const timeOptions: [Time, string][] = [['matin', 'Matin'], ['apres_midi', 'Après-midi'], ['soiree', 'Soirée'], ['nuit', 'Nuit']];

function Checkboxes<T extends string>({ legend, name, options, selected, onChange, inline = false }: {
  legend: string; name: string; options: [T, string][]; selected: T[]; onChange: (values: T[]) => void; inline?: boolean;
}) {
  const toggle = (value: T) => onChange(selected.includes(value) ? selected.filter((v) => v !== value) : [...selected, value]);
  return (
    <fieldset className="fr-fieldset">
      <legend className="fr-fieldset__legend">{legend}</legend>
      {options.map(([value, label]) => (
        <div className={`fr-fieldset__element${inline ? ' fr-fieldset__element--inline' : ''}`} key={value}><div className="fr-checkbox-group">
          <input type="checkbox" id={`${name}-${value}`} checked={selected.includes(value)} onChange={() => toggle(value)} />
          <label className="fr-label" htmlFor={`${name}-${value}`}>{label}</label>
        </div></div>
      ))}
    </fieldset>
  );
}

export function ReportPage({ basemapPmtiles = null }: { basemapPmtiles?: string | null }) {
  const mapContainer = useRef<HTMLDivElement>(null);
  const map = useRef<SillageMap | null>(null);
  const [pin, setPin] = useState<[number, number] | null>(null);
  const [pinCommune, setPinCommune] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useCommuneSearch(query, (e) => setError(e.message));
  const [commune, setCommune] = useState<CommuneHit | null>(null);
  const [seen, setSeen] = useState<Seen[]>([]);
  const [times, setTimes] = useState<Time[]>([]);
  const [description, setDescription] = useState('');
  const [website, setWebsite] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [tokenReady, setTokenReady] = useState(false);
  const [sending, setSending] = useState(false);
  const [receipt, setReceipt] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const place = useCallback((instance: SillageMap, position: [number, number]) => {
    setPin(position);
    setPinCommune(null);
    void instance.setPin(position);
    get('/api/communes/at', { query: { longitude: position[0], latitude: position[1] } })
      .then((c) => setPinCommune(`${c.name} (${c.department_code})`))
      .catch(() => setPinCommune('hors de France : placez le repère sur une commune'));
  }, []);

  useEffect(() => {
    const instance = new SillageMap(mapContainer.current!, { basemapPmtiles });
    map.current = instance;
    get('/api/departments/outlines').then((c) => instance.setDepartments(c)).catch((e: Error) => setError(e.message));
    instance.onPick((position) => place(instance, position));
    return () => instance.destroy();
  }, [basemapPmtiles, place]);

  useEffect(() => {
    get('/api/public/form-token').then((t) => {
      setToken(t.token);
      setTimeout(() => setTokenReady(true), t.usable_after_seconds * 1000 + 200);
    }).catch((e: Error) => setError(e.message));
  }, []);

  const chooseCommune = async (hit: CommuneHit) => {
    setCommune(hit);
    setQuery(`${hit.name} (${hit.department_code})`);
    setHits([]);
    const feature = await get('/api/communes/:insee', { params: { insee: hit.insee } });
    if (feature.geometry) await map.current?.showCommune({ ...feature, geometry: feature.geometry });
  };


  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!pin && !commune) { setError('Placez un repère sur la carte ou choisissez une commune.'); return; }
    if (seen.length === 0) { setError('Indiquez ce que vous avez constaté.'); return; }
    if (!token) { setError('Le formulaire se prépare encore : réessayez dans quelques secondes.'); return; }
    setSending(true);
    try {
      const answer = await send('POST', '/api/public/reports', {
        body: {
          ...(pin ? { location: { type: 'Point' as const, coordinates: pin } } : { commune: commune!.insee }),
          seen, times_of_day: times, description: description.trim() || undefined, form_token: token, website: website || undefined,
        },
      });
      setReceipt(answer.receipt);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : (e as Error).message);
    } finally {
      setSending(false);
    }
  };

  if (receipt) {
    return (
      <div className="fr-alert fr-alert--success" data-testid="receipt">
        <h1 className="fr-alert__title">Signalement reçu</h1>
        <p>Numéro de récépissé : <strong>{receipt}</strong>. Il sera examiné par la cellule de renseignement (CROSS) de votre département.</p>
        <p>Aucune donnée vous concernant n’a été conservée (ni adresse IP, ni identité, ni appareil).</p>
        <p>Gardez ce numéro pour <a href={`/signaler/suivi?recepisse=${receipt}`}>suivre votre signalement</a> (reçu ou examiné).</p>
      </div>
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <h1>Signaler un point de deal</h1>
      <p>Sans compte. Indiquez un lieu, jamais une personne. Aucune donnée vous concernant n’est conservée. En cas d’urgence, appelez le 17.</p>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-7">
          <div className="fr-input-group">
            <label className="fr-label" htmlFor="commune">Commune <span className="fr-hint-text">Nom ou code INSEE, puis cliquez sur la carte pour préciser le lieu</span></label>
            <input className="fr-input" id="commune" autoComplete="off" value={query} onChange={(e) => { setQuery(e.target.value); setCommune(null); }} />
            {hits.length > 0 && (
              <ul className="fr-raw-list" aria-label="Communes trouvées" style={{ border: '1px solid #ddd', background: '#fff' }}>
                {hits.map((hit) => (
                  <li key={hit.insee}>
                    <button type="button" className="fr-btn fr-btn--tertiary-no-outline" onClick={() => chooseCommune(hit)}>{hit.name} ({hit.department_code}) — {hit.insee}</button>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div ref={mapContainer} data-testid="report-map" style={{ height: 420, border: '1px solid #ddd' }} role="application" aria-label="Carte : cliquez pour placer le repère, ou utilisez le bouton « Placer le repère au centre de la carte »" />
          <div className="sillage-row fr-mt-1w">
            <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" aria-describedby="pin-help" onClick={() => map.current && place(map.current, map.current.centre())}>Placer le repère au centre de la carte</button>
            {pin && <button type="button" className="fr-btn fr-btn--tertiary fr-btn--sm" onClick={() => { setPin(null); setPinCommune(null); void map.current?.setPin(null); }}>Retirer le repère</button>}
          </div>
          <p className="fr-text--xs fr-mb-1v" id="pin-help">Sans souris : choisissez la commune ci-dessus, déplacez la carte avec les flèches du clavier (+ et − pour le zoom), puis placez le repère au centre.</p>
          <p className="fr-text--sm" data-testid="pin-status" role="status">{pin ? `Repère placé : ${pinCommune ?? '…'}` : 'Aucun repère placé : cliquez sur la carte ou utilisez le bouton ci-dessus.'}</p>
        </div>
        <div className="fr-col-12 fr-col-md-5">
          <Checkboxes legend="Ce que vous avez constaté" name="seen" options={seenOptions} selected={seen} onChange={setSeen} />
          <Checkboxes legend="Moments de la journée" name="time" options={timeOptions} selected={times} onChange={setTimes} inline />
          <div className="fr-input-group">
            <label className="fr-label" htmlFor="description">Précisions (facultatif) <span className="fr-hint-text">Lieu, fréquence… Ne citez personne. {1000 - description.length} caractères restants.</span></label>
            <textarea className="fr-input" id="description" maxLength={1000} rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <div aria-hidden="true" style={{ position: 'absolute', left: '-10000px' }}>
            <label htmlFor="website">Site web</label>
            <input id="website" tabIndex={-1} autoComplete="off" value={website} onChange={(e) => setWebsite(e.target.value)} />
          </div>
          {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
          <button className="fr-btn" type="submit" disabled={!tokenReady || sending}>{sending ? 'Envoi…' : tokenReady ? 'Envoyer le signalement' : 'Préparation du formulaire…'}</button>
        </div>
      </div>
    </form>
  );
}
