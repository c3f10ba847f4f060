/**
 * Emerging hot spots on the map: a server job (Gi* with permutations over the cube) started when
 * the trends layer is on and its key (resolution, window) has no result yet, polled with progress;
 * its result is handed to the map.
 */
import { useEffect, useEffectEvent, useState, type RefObject } from 'react';
import { get } from '../api/routes';
import { send } from '../api/send';
import { monthIndex } from '../../server/domain/months';
import type { SillageMap } from '../map/map-adapter';

export interface HotSpotsState { status: string; done: number; total: number; patterns?: Record<string, number>; key: string }

/** `key` is "resolution|from|to"; `enabled`: the layer is shown and the role may run the analysis. */
export function useHotSpots(map: RefObject<SillageMap | null>, enabled: boolean, key: string, onError: (e: unknown) => void): HotSpotsState | null {
  const [hotSpots, setHotSpots] = useState<HotSpotsState | null>(null);
  // The key of the analysis run or running (null after a failure, to try again): read, not a reason to run.
  const knownKey = useEffectEvent(() => hotSpots?.key);
  useEffect(() => {
    if (!enabled || knownKey() === key) return;
    let cancelled = false;
    const [r, from, to] = key.split('|');
    setHotSpots({ status: 'running', done: 0, total: monthIndex(to) - monthIndex(from) + 1, key });
    (async () => {
      const job = await send('POST', '/api/analyses/emerging-hot-spots', { body: { resolution: Math.max(5, Number(r)), from, to, method: 'exact' } });
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        if (cancelled) return;
        const state = await get('/api/analyses/jobs/:id', { params: { id: job.id } });
        setHotSpots({ status: state.status, done: state.done, total: state.total, patterns: state.result?.patterns, key });
        if (state.status === 'failed') throw new Error(state.error ?? 'échec de l’analyse');
        if (state.status === 'done' && state.result) { await map.current?.setHotSpots(state.result); return; }
      }
    })().catch((e) => { if (!cancelled) { setHotSpots(null); onError(e); } });
    return () => { cancelled = true; };
  }, [map, enabled, key, onError]);
  return hotSpots;
}
