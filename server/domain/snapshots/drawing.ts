/**
 * The front page of a snapshot as drawing primitives in page points (pure): title, the map of
 * whole H3 cells with the area's outline, legend, scale bar, north, sources and stamp. The server
 * draws them into the PDF (pdfkit) and the browser into a canvas for the PNG, so both show the same
 * map. y grows downwards; a text's y is its top.
 */
import { cellToBoundary } from 'h3-js';
import { countLabel, frenchNumber, frenchTimestamp, periodLabel, type Published, type SnapshotDocument } from './document.js';

export type Primitive =
  | { type: 'polygon'; rings: number[][][]; fill: string | null; stroke: string | null; width: number }
  | { type: 'line'; points: number[][]; stroke: string; width: number }
  | { type: 'rect'; x: number; y: number; w: number; h: number; fill: string | null; stroke: string | null; width: number }
  | { type: 'text'; x: number; y: number; text: string; size: number; bold: boolean; colour: string; align: 'left' | 'center' | 'right' };

/** A4 in PDF points. */
export const a4 = { width: 595.28, height: 841.89 };

/** Classes of published counts and their colours (DSFR blue France scale). */
export const countClasses: { label: string; colour: string; accepts(count: Published): boolean }[] = [
  { label: '< 5', colour: '#e3e3fd', accepts: (c) => c === null },
  { label: '5 – 9', colour: '#b1b1f9', accepts: (c) => c !== null && c >= 5 && c < 10 },
  { label: '10 – 19', colour: '#6a6af4', accepts: (c) => c !== null && c >= 10 && c < 20 },
  { label: '20 – 49', colour: '#2323c8', accepts: (c) => c !== null && c >= 20 && c < 50 },
  { label: '50 et plus', colour: '#000091', accepts: (c) => c !== null && c >= 50 },
];

export function colourOf(count: Published): string | null {
  return countClasses.find((c) => c.accepts(count))?.colour ?? null;
}

const mercatorY = (latitude: number) => Math.log(Math.tan(Math.PI / 4 + (latitude * Math.PI) / 360)) * (180 / Math.PI);

function rings(geometry: GeoJSON.Geometry | null): number[][][] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  if (geometry.type === 'GeometryCollection') return geometry.geometries.flatMap(rings);
  return [];
}

/** Splits a text into lines of at most about `width` points (Marianne averages ~0.52 em per character). */
export function wrapText(text: string, size: number, width: number): string[] {
  const perLine = Math.max(10, Math.floor(width / (size * 0.52)));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line.length + 1 + word.length) > perLine) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function textBlock(out: Primitive[], text: string, x: number, y: number, width: number, size: number, colour = '#161616', bold = false): number {
  for (const line of wrapText(text, size, width)) {
    out.push({ type: 'text', x, y, text: line, size, bold, colour, align: 'left' });
    y += size * 1.3;
  }
  return y;
}

/** A "nice" scale bar length (1, 2 or 5 x 10^n km) near a target. */
export function niceKilometres(target: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(target, 0.001)));
  return [1, 2, 5, 10].map((m) => m * power).reduce((best, v) => (Math.abs(v - target) < Math.abs(best - target) ? v : best));
}

/** The map of cells and outline fitted in a box, with legend, scale bar and north. */
export function mapPrimitives(document: SnapshotDocument, box: { x: number; y: number; w: number; h: number }): Primitive[] {
  const { data } = document;
  const cellRings = data.map.cells.map((cell) => ({ cell, ring: cellToBoundary(cell.h3, true) }));
  const outline = rings(data.area.outline);
  const all = [...outline.flat(), ...cellRings.flatMap((c) => c.ring)];
  const lons = all.map((p) => p[0]);
  const ys = all.map((p) => mercatorY(p[1]));
  const [minX, maxX, minY, maxY] = all.length ? [Math.min(...lons), Math.max(...lons), Math.min(...ys), Math.max(...ys)] : [-5, 10, mercatorY(41), mercatorY(51)];
  const pad = 12;
  const scale = Math.min((box.w - 2 * pad) / Math.max(maxX - minX, 1e-6), (box.h - 2 * pad) / Math.max(maxY - minY, 1e-6));
  const offsetX = box.x + pad + ((box.w - 2 * pad) - (maxX - minX) * scale) / 2;
  const offsetY = box.y + pad + ((box.h - 2 * pad) - (maxY - minY) * scale) / 2;
  const project = ([lon, lat]: number[]) => [offsetX + (lon - minX) * scale, offsetY + (maxY - mercatorY(lat)) * scale];
  const out: Primitive[] = [{ type: 'rect', x: box.x, y: box.y, w: box.w, h: box.h, fill: '#ffffff', stroke: '#929292', width: 0.5 }];
  for (const { cell, ring } of cellRings) {
    const fill = colourOf(cell.count);
    if (fill) out.push({ type: 'polygon', rings: [ring.map(project)], fill, stroke: '#ffffff', width: 0.3 });
  }
  for (const ring of outline) out.push({ type: 'polygon', rings: [ring.map(project)], fill: null, stroke: '#e1000f', width: 1.2 });

  // Scale bar: metres per point at the centre latitude (Mercator stretches by 1 / cos(latitude)).
  const centreLat = (Math.atan(Math.sinh(((minY + maxY) / 2) * (Math.PI / 180))) * 180) / Math.PI;
  const kmPerPoint = (111.32 * Math.cos((centreLat * Math.PI) / 180)) / scale;
  const km = niceKilometres(kmPerPoint * box.w * 0.2);
  const barWidth = km / kmPerPoint;
  const barY = box.y + box.h - 14;
  out.push({ type: 'rect', x: box.x + 10, y: barY - 10, w: barWidth + 44, h: 20, fill: '#ffffff', stroke: null, width: 0 });
  out.push({ type: 'line', points: [[box.x + 14, barY - 3], [box.x + 14, barY], [box.x + 14 + barWidth, barY], [box.x + 14 + barWidth, barY - 3]], stroke: '#161616', width: 1 });
  out.push({ type: 'text', x: box.x + 18 + barWidth, y: barY - 7, text: `${frenchNumber(km, 3)} km`, size: 7, bold: false, colour: '#161616', align: 'left' });
  // North: the map is not rotated.
  const nx = box.x + box.w - 18;
  out.push({ type: 'polygon', rings: [[[nx, box.y + 10], [nx - 5, box.y + 24], [nx + 5, box.y + 24]]], fill: '#161616', stroke: null, width: 0 });
  out.push({ type: 'text', x: nx, y: box.y + 26, text: 'N', size: 7, bold: true, colour: '#161616', align: 'center' });
  return out;
}

/** The whole front page (A4 by default): what the PNG shows and the PDF's first page. */
export function frontPagePrimitives(document: SnapshotDocument, page = a4): Primitive[] {
  const { data, parameters } = document;
  const margin = 40;
  const width = page.width - 2 * margin;
  const out: Primitive[] = [];
  out.push({ type: 'text', x: margin, y: margin, text: 'Sillage — instantané de zone', size: 10, bold: true, colour: '#000091', align: 'left' });
  let y = textBlock(out, data.area.label, margin, margin + 16, width, 18, '#161616', true);
  y = textBlock(out, `Période : ${periodLabel(parameters.from, parameters.to)}`, margin, y + 2, width, 11);
  const mapHeight = Math.min(page.height * 0.52, width * 1.05);
  const box = { x: margin, y: y + 8, w: width, h: mapHeight };
  out.push(...mapPrimitives(document, box));
  y = box.y + box.h + 10;
  out.push({ type: 'text', x: margin, y, text: `Points de deal actifs en ${periodLabel(data.map.month, data.map.month).split(' – ')[0]}, par cellule H3 entière de résolution ${data.map.resolution}`, size: 9, bold: true, colour: '#161616', align: 'left' });
  y += 14;
  let x = margin;
  for (const c of countClasses) {
    out.push({ type: 'rect', x, y, w: 14, h: 9, fill: c.colour, stroke: '#929292', width: 0.3 });
    out.push({ type: 'text', x: x + 18, y: y + 1, text: c.label, size: 8, bold: false, colour: '#161616', align: 'left' });
    x += 26 + c.label.length * 4.6;
  }
  out.push({ type: 'line', points: [[x, y + 4.5], [x + 16, y + 4.5]], stroke: '#e1000f', width: 1.2 });
  out.push({ type: 'text', x: x + 20, y: y + 1, text: 'contour de la zone', size: 8, bold: false, colour: '#161616', align: 'left' });
  y += 20;
  const start = data.series[0]?.values[0] ?? 0;
  const end = data.series[0]?.values[data.series[0].values.length - 1] ?? 0;
  y = textBlock(out, `Points actifs dans la zone : ${countLabel(start)} au premier mois, ${countLabel(end)} au dernier mois.`, margin, y, width, 10, '#161616', true);
  y = textBlock(out, `Sources : points de deal, base Sillage (${data.vintage.deal_points}) ; signalements publics (${data.vintage.public_reports}) ; SSMSI (${data.vintage.ssmsi}) ; ${data.vintage.geography}.`, margin, y + 4, width, 7.5, '#3a3a3a');
  y = textBlock(out, `Protection : ${data.disclosure}`, margin, y + 2, width, 7.5, '#3a3a3a');
  const stamp = [
    `Instantané ${document.id} — créé le ${frenchTimestamp(document.created_at)} — méthode ${document.method_version}`,
    `SHA-256 : ${document.sha256}`,
    `Lien permanent : /instantanes/${document.id}`,
  ];
  y = Math.max(y + 6, page.height - margin - stamp.length * 10);
  for (const line of stamp) { out.push({ type: 'text', x: margin, y, text: line, size: 7.5, bold: false, colour: '#161616', align: 'left' }); y += 10; }
  return out;
}
