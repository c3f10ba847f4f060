/**
 * Playback of the time slider, as a pure module (kepler.gl's split): a state, pure updaters, and a
 * clock that says which month the playback has reached at a given time. The clock is anchored on
 * the month and the time playback started, so the month shown follows the wall clock at the speed
 * asked: when the map takes longer than a tick to draw, the next frame jumps to the right month
 * instead of every later month arriving late (a timer of 1000 / speed ms played "8 mois/s" at
 * about 2.3 months a second on a busy map).
 */

/** Months are indices (months since January 2000, as `monthIndex` in web/format.ts). */
export interface Playback {
  first: number;
  last: number;
  month: number;
  /** Months per second. */
  speed: number;
  playing: boolean;
  /** Where the clock was anchored: the month and the time (ms) playback (re)started at that speed. */
  anchor: { month: number; at: number } | null;
}

export const playbackSpeeds = [1, 2, 4, 8] as const;

export function playback(first: number, last: number, month: number, speed = 2): Playback {
  return { first, last, month: clamp(month, first, last), speed, playing: false, anchor: null };
}

function clamp(month: number, first: number, last: number): number {
  return Math.min(Math.max(month, first), last);
}

/** Starts playing at `now`; from the last month, playback starts again from the first. */
export function play(state: Playback, now: number): Playback {
  const month = state.month >= state.last ? state.first : state.month;
  return { ...state, month, playing: true, anchor: { month, at: now } };
}

export function pause(state: Playback): Playback {
  return { ...state, playing: false, anchor: null };
}

export function toggle(state: Playback, now: number): Playback {
  return state.playing ? pause(state) : play(state, now);
}

/** A new speed takes effect from the month reached, without a jump. */
export function setSpeed(state: Playback, speed: number, now: number): Playback {
  if (!state.playing) return { ...state, speed };
  const reached = tick(state, now);
  return { ...reached, speed, anchor: reached.playing ? { month: reached.month, at: now } : null };
}

/** The user moved the slider: playback (if on) carries on from there. */
export function seek(state: Playback, month: number, now: number): Playback {
  const next = clamp(month, state.first, state.last);
  return { ...state, month: next, anchor: state.playing ? { month: next, at: now } : null };
}

/** A new window: the month stays inside it. */
export function setWindow(state: Playback, first: number, last: number, now: number): Playback {
  return seek({ ...state, first, last }, state.month, now);
}

/** The month reached at `now`; playback stops on the last month. Returns the same object when nothing changed. */
export function tick(state: Playback, now: number): Playback {
  if (!state.playing || !state.anchor) return state;
  const reached = state.anchor.month + Math.floor(((now - state.anchor.at) / 1000) * state.speed + 1e-9);
  if (reached >= state.last) return { ...state, month: state.last, playing: false, anchor: null };
  return reached === state.month ? state : { ...state, month: reached };
}

/**
 * The rate really reached, in months per second, from the (time, month) pairs seen while playing:
 * months advanced over the time elapsed between the first and the last pair.
 */
export function realRate(samples: readonly { at: number; month: number }[]): number | null {
  if (samples.length < 2) return null;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const seconds = (last.at - first.at) / 1000;
  return seconds > 0 ? (last.month - first.month) / seconds : null;
}
