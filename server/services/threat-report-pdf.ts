/** The annual threat report as a stamped PDF (PDF/A-3b, same bytes for the same report), drawn from the stored document alone. */
import { chartPrimitives } from '../domain/snapshots/chart.js';
import { countLabel, frenchNumber, frenchTimestamp } from '../domain/snapshots/document.js';
import { threatMethodParagraphs, type ThreatReportDocument } from '../domain/snapshots/threat-report.js';
import { a4 } from '../domain/snapshots/drawing.js';
import { contentWidth, drawPrimitives, heading, line, margin, stampedPdf, table } from './snapshot-files.js';

export function threatReportPdf(report: ThreatReportDocument): Promise<Buffer> {
  const { data, parameters } = report;
  const precision = parameters.precision === 'precise' ? 'version précise — diffusion restreinte' : 'version agrégée';
  const { doc, done } = stampedPdf(report.created_at, { Title: `État de la menace ${parameters.year} — ${data.scope_label}`, Subject: `${precision} · SHA-256 ${report.sha256}`, Keywords: report.id });
  doc.font('bold').fontSize(10).fillColor('#000091').text('Sillage — état de la menace (mesure 4 du plan national)', margin, margin);
  doc.font('bold').fontSize(18).fillColor('#161616').text(`${data.scope_label} — année ${parameters.year}`);
  line(doc, `${precision}. Créé le ${frenchTimestamp(report.created_at)}.`, 10);

  heading(doc, 'Évolution des points de deal actifs');
  for (const series of data.series) {
    const box = { x: margin, y: doc.y + 4, w: contentWidth, h: 92 };
    drawPrimitives(doc, chartPrimitives(data.months, series, box));
    doc.y = box.y + box.h + 8;
  }
  line(doc, `Dans l’année : ${countLabel(data.events.dismantled)} démantèlements, ${countLabel(data.events.reopened)} réouvertures, ${countLabel(data.events.appeared)} nouveaux points.`);

  heading(doc, `Opérations de l’année (${data.operations.length})`);
  if (!data.operations.length) line(doc, 'Aucune opération commencée dans l’année.');
  for (const o of data.operations) {
    line(doc, `${o.name} (${o.department_code}), du ${o.started_on} au ${o.ended_on ?? 'en cours'} — lecture : ${o.reading_label}${o.destinations.length ? ` ; villes de destination : ${o.destinations.join(', ')}` : ''}.`);
    if (o.text) line(doc, `   ${o.text}${o.wdq !== null ? ` (WDQ ${frenchNumber(o.wdq, 2)})` : ''}`, 8);
  }

  heading(doc, 'Glissement entre tailles de communes (janvier → décembre)');
  table(doc, [['Classe', 'Janvier', 'Décembre'], ...data.size_classes.map((s) => [s.label, countLabel(s.january), countLabel(s.december)])]);

  heading(doc, 'Points chauds émergents');
  line(doc, data.hot_spots);

  heading(doc, 'Veille des villes moyennes (mesure 22)');
  if (!data.watch.towns.length) line(doc, 'Aucune ville signalée par la veille en fin d’année.');
  for (const t of data.watch.towns) line(doc, `${t.name} (${t.insee}) : ${countLabel(t.active)} points actifs`);
  if (data.watch.resurgences !== null) line(doc, `Résurgences après démantèlement (300 m, 6 mois) : ${data.watch.resurgences}.`);

  heading(doc, 'Signalements publics');
  line(doc, `Reçus : ${countLabel(data.reports.received)} ; dont acceptés : ${countLabel(data.reports.accepted)}.`);

  heading(doc, 'Statistiques SSMSI (personnes mises en cause)');
  table(doc, [['Zone', 'Indicateur', 'Personnes', 'Pour 1 000 hab.'], ...data.indicators.map((i) => [i.name, i.indicator, i.count === null ? 'n.d.' : frenchNumber(i.count), i.rate_per_1000 === null ? 'n.d.' : frenchNumber(i.rate_per_1000, 2)])]);

  if (doc.y > a4.height - 220) doc.addPage();
  heading(doc, 'Méthode');
  for (const paragraph of threatMethodParagraphs(parameters.precision)) line(doc, paragraph, 8);
  heading(doc, 'Tampon');
  line(doc, `Rapport ${report.id}, méthode ${report.method_version}. Protection : ${data.disclosure}.`, 8);
  line(doc, `SHA-256 des données et paramètres : ${report.sha256}`, 8);
  line(doc, `Lien permanent : /etat-de-la-menace/${report.id}`, 8);
  doc.file(Buffer.from(JSON.stringify(report), 'utf8'), { name: 'etat-de-la-menace.json', type: 'application/json', description: 'Données, paramètres et empreinte', relationship: 'Data', creationDate: new Date(report.created_at), modifiedDate: new Date(report.created_at) } as never);
  doc.end();
  return done;
}
