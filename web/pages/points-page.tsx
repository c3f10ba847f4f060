/**
 * `/points`: deal points listed with filters (department, commune, status at a date, source,
 * network, product; in the URL) and keyset pages, beside a map. Analysts create a point by
 * clicking the map, move one by dragging it, edit its products, network and source, record a
 * status change (dismantled with the operation, reopened) and an observation; everyone allowed
 * sees its history and version. A 409 (someone else saved first) is explained with a reload.
 * Precise points: analysts and prefects only (the API refuses the others).
 */
import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import type { Me } from '../api/client';
import { get } from '../api/routes';
import { send } from '../api/send';
import { PointEditor } from '../map/point-editor';
import { Message, NewPointForm, explain, type PointMessage } from '../components/point-forms';
import { PointDetails, type OperationOption } from '../components/point-details';
import { PointFilters, pointFilterNames } from '../components/point-filters';
import { PointTable, type PointList } from '../components/point-table';
import { Pagination } from '../components/pagination';

export function PointsPage({ me }: { me: Me }) {
  const params = new URLSearchParams(location.search);
  const canWrite = ['national_analyst', 'departmental_analyst'].includes(me.user?.role ?? '');
  const after = params.get('apres');
  const [list, setList] = useState<PointList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(Number(params.get('point')) || null);
  const [picked, setPicked] = useState<[number, number] | null>(null);
  const [operations, setOperations] = useState<OperationOption[]>([]);
  const [moveMessage, setMoveMessage] = useState<PointMessage | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<PointEditor | null>(null);
  const listRef = useRef<PointList | null>(null);
  // The point in the address when the page opened, selected on the map once it is built.
  const firstSelected = useRef(selected);

  const query = new URLSearchParams();
  for (const n of pointFilterNames) if (params.get(n)) query.set(n, params.get(n)!);
  query.set('limit', '50');
  if (after) query.set('after', after);
  const apiQuery = query.toString();

  const loadList = useCallback(async (fit: boolean) => {
    const loaded = await get('/api/deal-points', { query: Object.fromEntries(new URLSearchParams(apiQuery)) });
    listRef.current = loaded;
    setList(loaded);
    editor.current?.setPoints(loaded.features.map((f) => ({ id: f.id, longitude: f.geometry.coordinates[0], latitude: f.geometry.coordinates[1], status: f.properties.status })), fit);
  }, [apiQuery]);

  // A point opened (on the map, after a move): selected on the map and in the address.
  const open = useCallback((id: number) => { setSelected(id); setPicked(null); editor.current?.setPicked(null); editor.current?.select(id); history.replaceState(null, '', `${location.pathname}?${withParam('point', String(id))}`); }, []);
  // A point dragged on the map: saved with its listed version, then read again (its panel and the list).
  const moved = useEffectEvent(async (id: number, longitude: number, latitude: number) => {
    const version = listRef.current?.features.find((f) => f.id === id)?.properties.version;
    if (version === undefined) { setMoveMessage({ text: `Point n° ${id} absent de la liste : rechargez la page.`, conflict: true }); return; }
    try {
      await send('PATCH', '/api/deal-points/:id', { params: { id }, body: { version, location: { type: 'Point', coordinates: [longitude, latitude] } } });
      setMoveMessage({ text: `Point n° ${id} déplacé (${latitude.toFixed(5)} ; ${longitude.toFixed(5)}).`, conflict: false, ok: true });
    } catch (e) { setMoveMessage(explain(e)); }
    open(id);
    setRefreshKey((k) => k + 1);
    await loadList(false);
  });

  // The map editor, built once (the URL is the state: filters and pages load the page again).
  useEffect(() => {
    editor.current = new PointEditor(container.current!, {
      onPick: (longitude, latitude) => { setPicked([longitude, latitude]); setSelected(null); editor.current?.select(null); editor.current?.setPicked([longitude, latitude]); },
      onSelect: open,
      onMove: (id, longitude, latitude) => moved(id, longitude, latitude),
    }, canWrite);
    (window as unknown as { sillagePointEditor?: PointEditor }).sillagePointEditor = editor.current;
    if (firstSelected.current) editor.current.select(firstSelected.current);
    return () => editor.current?.destroy();
  }, [canWrite, open]);
  useEffect(() => { loadList(true).catch((e: Error) => setError(e.message)); }, [loadList]);
  useEffect(() => { get('/api/operations', { query: { limit: 200 } }).then((r) => setOperations(r.features)).catch(() => setOperations([])); }, []);

  const linkWith = (name: string, value: string | null) => `/points?${withParam(name, value)}`;
  const onChanged = () => { void loadList(false); };
  const exportLink = (format: string) => `/api/exports/deal-points.${format}?${new URLSearchParams([...query].filter(([k]) => k !== 'limit' && k !== 'after'))}`;

  return (
    <>
      <h1 className="fr-h2">Points de deal</h1>
      <PointFilters />
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-7">
          <p className="fr-text--sm fr-mb-1w">{canWrite ? 'Cliquez sur la carte pour créer un point ; faites glisser un point pour le déplacer ; cliquez sur un point pour l’ouvrir.' : 'Cliquez sur un point pour l’ouvrir.'}</p>
          <div ref={container} data-testid="points-map" role="application" aria-label="Carte des points de deal" style={{ height: 480, border: '1px solid #ddd' }} />
          <p className="fr-text--sm fr-mt-1w" role="status" data-testid="point-count">
            {list ? `${list.features.length} point${list.features.length > 1 ? 's' : ''} sur cette page${list.next ? ' (d’autres pages suivent)' : ''}` : 'Chargement…'}
            {' · Exporter : '}<a href={exportLink('csv')} download>CSV</a> · <a href={exportLink('geojson')} download>GeoJSON</a> · <a href={exportLink('gpkg')} download>GeoPackage</a>
          </p>
        </div>
        <div className="fr-col-12 fr-col-lg-5">
          <Message message={moveMessage} onReload={() => { setMoveMessage(null); setRefreshKey((k) => k + 1); void loadList(false); }} />
          {picked && canWrite && <NewPointForm location={picked} onCancel={() => { setPicked(null); editor.current?.setPicked(null); }} onCreated={(point) => {
            setPicked(null); editor.current?.setPicked(null); setSelected(point.id); editor.current?.select(point.id);
            history.replaceState(null, '', `${location.pathname}?${withParam('point', String(point.id))}`);
            setMoveMessage({ text: `Point n° ${point.id} créé à ${point.properties.commune_name}.`, conflict: false, ok: true });
            void loadList(false);
          }} />}
          {selected && !picked && <PointDetails id={selected} canWrite={canWrite} operations={operations} onChanged={onChanged} refreshKey={refreshKey} />}
          {!selected && !picked && <p className="fr-text--sm">Aucun point ouvert.</p>}
        </div>
      </div>
      {list && (
        <>
          <PointTable points={list.features} selected={selected} onOpen={(f) => { setSelected(f.id); setPicked(null); editor.current?.select(f.id); editor.current?.centreOn(f.geometry.coordinates[0], f.geometry.coordinates[1]); history.replaceState(null, '', `${location.pathname}?${withParam('point', String(f.id))}`); }} />
          <Pagination label="Pagination des points" first={after ? linkWith('apres', null) : null} next={list.next ? linkWith('apres', String(list.next)) : null} />
        </>
      )}
    </>
  );
}

function withParam(name: string, value: string | null): string {
  const next = new URLSearchParams(location.search);
  if (value) next.set(name, value); else next.delete(name);
  if (name !== 'point' && name !== 'apres') next.delete('apres');
  return next.toString();
}
