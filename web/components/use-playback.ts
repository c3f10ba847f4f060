/**
 * The map's playback (web/map/playback.ts) in React: each animation frame asks the clock which
 * month the wall clock has reached at the speed asked, so the rate shown is the rate played;
 * months the map had no time to draw are counted and said.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { monthIndex, monthLabel } from '../../server/domain/months';
import type { ViewState } from '../map/view-state';
import { realRate, seek, setSpeed, tick, toggle, type Playback } from '../map/playback';

type Run = Pick<Playback, 'speed' | 'playing' | 'anchor'>;

export interface PlaybackControls {
  playing: boolean;
  speed: number;
  /** The rate reached over the last two seconds (null when paused) and the months skipped to keep it. */
  played: { rate: number | null; skipped: number };
  toggle(): void;
  setSpeed(speed: number): void;
  /** The slider moved while playing: playback carries on from `month`. */
  seek(month: number): void;
  /** The window changed while playing: the clock starts again from `month`. */
  reanchor(month: number): void;
}

export function usePlayback(view: ViewState, update: (patch: Partial<ViewState>) => void): PlaybackControls {
  const [run, setRun] = useState<Run>({ speed: 2, playing: false, anchor: null });
  const latest = useRef({ view, run });
  latest.current = { view, run };
  const samples = useRef<{ at: number; month: number }[]>([]);
  const [played, setPlayed] = useState<{ rate: number | null; skipped: number }>({ rate: null, skipped: 0 });

  const playbackNow = useCallback((): Playback => {
    const { view: v, run: r } = latest.current;
    return { ...r, first: monthIndex(v.from), last: monthIndex(v.to), month: monthIndex(v.month) };
  }, []);
  const applyPlayback = useCallback((next: Playback, now = performance.now()) => {
    const before = monthIndex(latest.current.view.month);
    const reanchored = next.anchor !== latest.current.run.anchor;
    const nextRun = { speed: next.speed, playing: next.playing, anchor: next.anchor };
    setRun(nextRun);
    if (next.month !== before) update({ month: monthLabel(next.month) });
    // Until React renders, the next frame reads what was just decided.
    latest.current = { view: { ...latest.current.view, month: monthLabel(next.month) }, run: nextRun };
    // The rate reached, over the last two seconds of months reached by the clock; months the map skipped, counted.
    if (!next.playing) { samples.current = []; setPlayed({ rate: null, skipped: 0 }); return; }
    if (reanchored) samples.current = [];
    const previous = samples.current.at(-1);
    samples.current = [...samples.current.filter((x) => x.at >= now - 2000), { at: now, month: next.month }];
    const skipped = previous && next.month > previous.month + 1 ? next.month - previous.month - 1 : 0;
    setPlayed((current) => ({ rate: realRate(samples.current), skipped: current.skipped + skipped }));
  }, [update]);

  // While playing, one frame after another; each reads the latest state (a new anchor included).
  useEffect(() => {
    if (!run.playing) return;
    let frame = requestAnimationFrame(function step() {
      const state = playbackNow();
      const now = performance.now();
      const next = tick(state, now);
      if (next !== state) applyPlayback(next, now);
      if (next.playing) frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [run.playing, playbackNow, applyPlayback]);

  return {
    playing: run.playing, speed: run.speed, played,
    toggle: () => applyPlayback(toggle(playbackNow(), performance.now())),
    setSpeed: (speed) => applyPlayback(setSpeed(playbackNow(), speed, performance.now())),
    seek: (month) => applyPlayback(seek(playbackNow(), month, performance.now())),
    reanchor: (month) => setRun((r) => ({ ...r, anchor: { month, at: performance.now() } })),
  };
}
