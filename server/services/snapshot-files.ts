/**
 * The files of a stored snapshot, drawn from its document alone: PDF (pdfkit, PDF/A-3b with the
 * Marianne font embedded, the map drawn as vectors, the data and CSV attached), CSV (`;`, UTF-8
 * with BOM) and GeoJSON (RFC 7946). Every date inside a file is the snapshot's creation time, so
 * the same snapshot always gives the same bytes.
 */
import PDFDocument from 'pdfkit';
import { createRequire } from 'node:module';
import { stringify } from 'csv-stringify/sync';
import { chartPrimitives } from '../domain/snapshots/chart.js';
import { csvColumns, snapshotCsvRows } from '../domain/snapshots/csv-rows.js';
import { countLabel, frenchNumber, frenchTimestamp, methodParagraphs, periodLabel, type SnapshotDocument } from '../domain/snapshots/document.js';
import { a4, frontPagePrimitives, type Primitive } from '../domain/snapshots/drawing.js';
import { snapshotGeoJson } from '../domain/snapshots/geojson.js';

const require = createRequire(import.meta.url);
const fonts = {
  regular: require.resolve('@gouvfr/dsfr/dist/fonts/Marianne-Regular.woff'),
  bold: require.resolve('@gouvfr/dsfr/dist/fonts/Marianne-Bold.woff'),
};

export function snapshotCsv(document: SnapshotDocument): string {
  return stringify(snapshotCsvRows(document), { header: true, columns: [...csvColumns], delimiter: ';', record_delimiter: '\r\n', bom: true, quoted_match: /[\r\n;"]/ });
}

export function snapshotGeoJsonText(document: SnapshotDocument): string {
  return `${JSON.stringify(snapshotGeoJson(document))}\n`;
}

/** Draws primitives (page points, y down) with pdfkit. */
export function drawPrimitives(doc: PDFKit.PDFDocument, primitives: readonly Primitive[]): void {
  for (const p of primitives) {
    doc.save();
    if (p.type === 'text') {
      doc.font(p.bold ? 'bold' : 'regular').fontSize(p.size).fillColor(p.colour);
      const width = doc.widthOfString(p.text);
      const x = p.align === 'center' ? p.x - width / 2 : p.align === 'right' ? p.x - width : p.x;
      doc.text(p.text, x, p.y, { lineBreak: false });
    } else if (p.type === 'rect') {
      doc.rect(p.x, p.y, p.w, p.h);
      paint(doc, p.fill, p.stroke, p.width);
    } else if (p.type === 'line') {
      doc.moveTo(p.points[0][0], p.points[0][1]);
      for (const point of p.points.slice(1)) doc.lineTo(point[0], point[1]);
      doc.lineWidth(p.width).strokeColor(p.stroke).stroke();
    } else {
      for (const ring of p.rings) doc.polygon(...(ring as [number, number][]));
      paint(doc, p.fill, p.stroke, p.width);
    }
    doc.restore();
  }
}

function paint(doc: PDFKit.PDFDocument, fill: string | null, stroke: string | null, width: number) {
  if (stroke) doc.lineWidth(width);
  if (fill && stroke) doc.fillAndStroke(fill, stroke);
  else if (fill) doc.fill(fill);
  else if (stroke) doc.stroke(stroke);
}

export const margin = 40;
export const contentWidth = a4.width - 2 * margin;

export function heading(doc: PDFKit.PDFDocument, text: string) {
  doc.moveDown(0.6).font('bold').fontSize(12).fillColor('#000091').text(text, margin, undefined, { width: contentWidth });
  doc.moveDown(0.2).font('regular').fontSize(9).fillColor('#161616');
}

export function line(doc: PDFKit.PDFDocument, text: string, size = 9) {
  doc.font('regular').fontSize(size).fillColor('#161616').text(text, margin, undefined, { width: contentWidth });
}

function figuresPages(doc: PDFKit.PDFDocument, document: SnapshotDocument) {
  const { data } = document;
  doc.addPage();
  doc.font('bold').fontSize(14).fillColor('#161616').text(`${data.area.label} — chiffres`, margin, margin, { width: contentWidth });
  line(doc, `Période : ${periodLabel(document.parameters.from, document.parameters.to)} · points de deal actifs par mois`);
  heading(doc, 'Tendance mensuelle : la zone, son département et la France');
  for (const series of data.series) {
    if (doc.y + 110 > a4.height - margin) doc.addPage();
    const box = { x: margin, y: doc.y + 4, w: contentWidth, h: 92 };
    drawPrimitives(doc, chartPrimitives(data.months, series, box));
    doc.y = box.y + box.h + 8;
  }
  heading(doc, `Répartition par taille de commune (${data.map.month})`);
  if (data.size_classes) for (const s of data.size_classes) line(doc, `${s.label} : ${countLabel(s.count)}`);
  else line(doc, 'Non disponible pour une zone dessinée : ses cellules H3 entières ne se découpent pas par commune.');
  heading(doc, 'Opérations terminées dans la zone ou à moins de 60 km');
  if (!data.operations.length) line(doc, 'Aucune opération terminée sur la période.');
  for (const o of data.operations) line(doc, `${o.name} (${o.department_code}) — du ${o.started_on} au ${o.ended_on} — ${o.distance_km === 0 ? 'dans la zone' : `à ${frenchNumber(o.distance_km, 1)} km`}`);
  heading(doc, 'Signalements publics (plateforme de signalement, mesure 16)');
  line(doc, `Reçus sur la période : ${countLabel(data.reports.received)} ; dont acceptés par la CROSS : ${countLabel(data.reports.accepted)}.`);
  heading(doc, 'Indicateurs SSMSI (personnes mises en cause pour 1 000 habitants)');
  if (!data.indicators.length) line(doc, 'Aucune statistique SSMSI pour ces années.');
  table(doc, ssmsiTable(document));
}

/** SSMSI rates as rows: year, then trafficking and use for each scope (zone, departments, France). */
function ssmsiTable(document: SnapshotDocument): string[][] {
  const { indicators } = document.data;
  const scopes = [...new Map(indicators.map((i) => [`${i.scope}:${i.code}`, i.name])).entries()];
  const header = ['Année', ...scopes.flatMap(([, name]) => [`${name} — trafic`, `${name} — usage`])];
  const years = [...new Set(indicators.map((i) => i.year))].sort();
  return [header, ...years.map((year) => [String(year), ...scopes.flatMap(([key]) => ['trafic de stupéfiants', 'usage de stupéfiants'].map((indicator) => {
    const found = indicators.find((i) => `${i.scope}:${i.code}` === key && i.year === year && i.indicator === indicator);
    return found?.rate_per_1000 === null || found === undefined ? 'n.d.' : frenchNumber(found.rate_per_1000, 2);
  }))])];
}

export function table(doc: PDFKit.PDFDocument, rows: string[][]) {
  if (rows.length < 2) return;
  const widths = rows[0].map((_, i) => (i === 0 ? 40 : (contentWidth - 40) / (rows[0].length - 1)));
  for (const [r, row] of rows.entries()) {
    if (doc.y + 14 > a4.height - margin) doc.addPage();
    const y = doc.y;
    let x = margin;
    doc.font(r === 0 ? 'bold' : 'regular').fontSize(r === 0 ? 7 : 8).fillColor('#161616');
    const height = Math.max(...row.map((cell, i) => doc.heightOfString(cell, { width: widths[i] - 4 })));
    row.forEach((cell, i) => { doc.text(cell, x, y, { width: widths[i] - 4 }); x += widths[i]; });
    doc.moveTo(margin, y + height + 1.5).lineTo(margin + contentWidth, y + height + 1.5).lineWidth(0.3).strokeColor('#cecece').stroke();
    doc.x = margin;
    doc.y = y + height + 3;
  }
}

function methodPage(doc: PDFKit.PDFDocument, document: SnapshotDocument) {
  const { data, parameters } = document;
  doc.addPage();
  doc.font('bold').fontSize(14).fillColor('#161616').text('Méthode, définitions et tampon', margin, margin, { width: contentWidth });
  heading(doc, 'Méthode et définitions');
  for (const paragraph of methodParagraphs(data)) { line(doc, paragraph); doc.moveDown(0.3); }
  heading(doc, 'Paramètres');
  const area = parameters.area;
  const areaText = area.kind === 'communes' ? `communes ${area.communes.join(', ')}` : area.kind === 'department' ? `département ${area.department}` : area.kind === 'france' ? 'France entière' : `zone dessinée (${area.polygon.coordinates[0].length - 1} sommets)`;
  line(doc, `Zone : ${areaText}. Période : ${parameters.from} à ${parameters.to}. Carte : cellules H3 de résolution ${parameters.map_resolution}, mois ${data.map.month}.`);
  heading(doc, 'Millésime des sources');
  line(doc, `Points de deal : ${data.vintage.deal_points}. Signalements : ${data.vintage.public_reports}. SSMSI : ${data.vintage.ssmsi}. Géographie : ${data.vintage.geography}.`);
  heading(doc, 'Tampon');
  line(doc, `Instantané ${document.id}, créé le ${frenchTimestamp(document.created_at)}, méthode ${document.method_version}.`);
  line(doc, `SHA-256 des données et paramètres : ${document.sha256}`);
  line(doc, `Lien permanent : /instantanes/${document.id} — les données agrégées et la méthode sont jointes à ce PDF (instantane.json, instantane.csv).`);
}

/** A PDF/A-3b A4 document with Marianne embedded, its dates fixed at `createdAt`, and its bytes when ended. */
export function stampedPdf(createdAt: string, info: { Title: string; Subject: string; Keywords: string }): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const created = new Date(createdAt);
  const doc = new PDFDocument({
    size: 'A4', margin, pdfVersion: '1.7', subset: 'PDF/A-3b', lang: 'fr-FR', autoFirstPage: true,
    info: { ...info, Author: 'Sillage', CreationDate: created, ModDate: created },
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

/** The PDF's bytes; the same document always gives the same bytes. */
export function snapshotPdf(document: SnapshotDocument): Promise<Buffer> {
  const created = new Date(document.created_at);
  const { doc, done } = stampedPdf(document.created_at, { Title: `Instantané Sillage — ${document.data.area.label}`, Subject: `${periodLabel(document.parameters.from, document.parameters.to)} · SHA-256 ${document.sha256}`, Keywords: document.id });
  drawPrimitives(doc, frontPagePrimitives(document));
  figuresPages(doc, document);
  methodPage(doc, document);
  const attached = { creationDate: created, modifiedDate: created };
  doc.file(Buffer.from(JSON.stringify(document), 'utf8'), { name: 'instantane.json', type: 'application/json', description: 'Données agrégées, paramètres et empreinte', relationship: 'Data', ...attached } as never);
  doc.file(Buffer.from(snapshotCsv(document), 'utf8'), { name: 'instantane.csv', type: 'text/csv', description: 'Les mêmes chiffres en CSV', relationship: 'Data', ...attached } as never);
  doc.end();
  return done;
}
