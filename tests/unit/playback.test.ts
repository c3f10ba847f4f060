import { describe, expect, it } from 'vitest';
import { pause, play, playback, realRate, seek, setSpeed, setWindow, tick, toggle } from '../../web/map/playback.js';

// Months as indices: 228 is January 2019, 311 December 2025.
describe('playback clock', () => {
  it('follows the wall clock at the speed asked, whatever the frame times', () => {
    let state = play(playback(228, 311, 228, 8), 1000);
    // Frames at irregular times, some late (a slow map draw of 400 ms between 1250 and 1650).
    const frames = [1016, 1033, 1124, 1250, 1650, 1666, 1999, 2000, 2125];
    const months = frames.map((at) => (state = tick(state, at)).month);
    // 8 months a second: month = 228 + floor(elapsed * 8).
    expect(months).toEqual([228, 228, 228, 230, 233, 233, 235, 236, 237]);
    expect(realRate([{ at: 1000, month: 228 }, { at: 2125, month: 237 }])).toBeCloseTo(8, 0);
  });

  it('stops on the last month and starts again from the first', () => {
    let state = play(playback(228, 231, 228, 2), 0);
    state = tick(state, 1400);
    expect(state).toMatchObject({ month: 230, playing: true });
    state = tick(state, 1500);
    expect(state).toMatchObject({ month: 231, playing: false, anchor: null });
    state = toggle(state, 5000);
    expect(state).toMatchObject({ month: 228, playing: true, anchor: { month: 228, at: 5000 } });
  });

  it('returns the same state between month changes, so no render is asked for', () => {
    const state = tick(play(playback(228, 311, 240, 1), 0), 100);
    expect(tick(state, 900)).toBe(state);
    expect(tick(pause(state), 5000)).toEqual(pause(state));
  });

  it('changes speed from the month reached, without a jump', () => {
    let state = play(playback(228, 311, 228, 1), 0);
    state = setSpeed(state, 8, 3500); // 3 months played at 1 month/s
    expect(state).toMatchObject({ month: 231, speed: 8, anchor: { month: 231, at: 3500 } });
    expect(tick(state, 4000).month).toBe(235);
    expect(setSpeed(pause(state), 4, 9999)).toMatchObject({ month: 231, speed: 4, playing: false });
  });

  it('carries on from a month chosen on the slider, and keeps the month inside a new window', () => {
    let state = play(playback(228, 311, 228, 2), 0);
    state = seek(state, 300, 1000);
    expect(tick(state, 2000).month).toBe(302);
    expect(seek(state, 500, 0).month).toBe(311);
    expect(setWindow(state, 240, 260, 3000)).toMatchObject({ first: 240, last: 260, month: 260 });
  });

  it('reports no rate before two samples or with no time elapsed', () => {
    expect(realRate([])).toBeNull();
    expect(realRate([{ at: 5, month: 1 }])).toBeNull();
    expect(realRate([{ at: 5, month: 1 }, { at: 5, month: 2 }])).toBeNull();
  });
});
