/**
 * What the map draws, read back for the tests and benchmarks (and the benchmark's baseline tick) (queryRenderedFeatures): the adapter
 * (map-adapter.ts) extends it, so that a page's `window.sillageMap` answers them.
 */
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { cellPolygon } from '../../server/domain/h3-cells';

export class MapProbes {
  protected map!: MapLibreMap;

  /** Labels of the compared points drawn on screen (for tests). */
  renderedComparedLabels(): string[] {
    return this.map.getLayer('compared-points')
      ? [...new Set(this.map.queryRenderedFeatures({ layers: ['compared-points'] }).map((f) => String(f.properties.label ?? '')))].filter(Boolean).sort() : [];
  }

  /** Sector codes drawn on screen (for tests). */
  renderedSectors(): string[] {
    return this.map.getLayer('sectors-fill') ? [...new Set(this.map.queryRenderedFeatures({ layers: ['sectors-fill'] }).map((f) => String(f.properties.code)))].sort() : [];
  }

  /** Resolves at the map's next idle (benchmarks). */
  nextIdle(): Promise<void> {
    const idle = new Promise<void>((resolve) => this.map.once('idle', () => resolve()));
    // A tick that changes nothing visible would otherwise never render, and never idle.
    this.map.triggerRepaint();
    return idle;
  }

  /** Hexbins drawn on screen with the count they show (for tests). */
  renderedHexes(): { h3: string; count: number; suppressed: boolean }[] {
    return this.map.queryRenderedFeatures({ layers: ['hex-fill'] })
      .map((f) => ({ h3: String(f.properties.h3), count: Number(f.state?.count ?? 0), suppressed: Boolean(f.state?.suppressed) }))
      .filter((hex, i, all) => all.findIndex((other) => other.h3 === hex.h3) === i);
  }

  /** Street names of the offline vector basemap drawn on screen (for tests). */
  renderedBasemapStreets(): string[] {
    return this.map.getLayer('basemap-roads') ? [...new Set(this.map.queryRenderedFeatures({ layers: ['basemap-roads'] }).map((f) => String(f.properties.name ?? '')))].filter(Boolean).sort() : [];
  }

  /** Deal points drawn on screen (for tests). */
  renderedPointIds(): number[] {
    return [...new Set(this.map.queryRenderedFeatures({ layers: ['points'] }).map((f) => Number(f.id)))].sort((a, b) => a - b);
  }

  /** Screen position of a place, for tests that click on the map. */
  project(position: [number, number]): { x: number; y: number } {
    return this.map.project(position);
  }

  /** Baseline for the benchmark: the same tick done by rebuilding the hexbin FeatureCollection. */
  showMonthBySetData(counts: ReadonlyMap<string, number | null>): void {
    (this.map.getSource('hexes') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: [...counts].map(([h3, count]) => ({ type: 'Feature', properties: { h3, count: count ?? 0 }, geometry: cellPolygon(h3) })),
    });
  }
}
