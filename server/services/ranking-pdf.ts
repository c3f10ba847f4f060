/**
 * A saved sector ranking as a stamped PDF (PDF/A-3b, the snapshots' machinery): parameters, the
 * ranked sectors with score, Monte Carlo interval and conjunctive rule, the sectors left apart
 * with what they lack, the rules, and the stamp. Same ranking, same bytes (dates fixed inside).
 */
import type { SavedRanking } from './rankings.js';
import { frenchNumber, frenchTimestamp } from '../domain/snapshots/document.js';
import { a4 } from '../domain/snapshots/drawing.js';
import { heading, line, margin, stampedPdf, table } from './snapshot-files.js';

export function rankingPdf(ranking: SavedRanking): Promise<Buffer> {
  const { result } = ranking;
  const { doc, done } = stampedPdf(ranking.created_at, { Title: `Classement des secteurs — ${ranking.title}`, Subject: `Département ${ranking.department_code} · SHA-256 ${ranking.sha256}`, Keywords: `classement-${ranking.id}` });
  doc.font('bold').fontSize(10).fillColor('#000091').text('Sillage — classement des secteurs (villes de sécurité renforcée)', margin, margin);
  doc.font('bold').fontSize(16).fillColor('#161616').text(`${ranking.title} — département ${ranking.department_code}`);
  line(doc, `Enregistré le ${frenchTimestamp(ranking.created_at)}${ranking.created_by ? ` par ${ranking.created_by}` : ''} ; données : ${Object.entries(ranking.data_vintage).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}. Diffusion restreinte.`, 9);

  heading(doc, 'Pondérations et seuils');
  line(doc, Object.entries(result.weights).map(([criterion, weight]) => `critère ${criterion} : ${frenchNumber(Number(weight) * 100, 0)} %`).join(' ; '));
  line(doc, `Seuils de la règle conjonctive : ${Object.entries(result.thresholds).map(([k, v]) => `${k} ${v === null ? 'non testé' : frenchNumber(v, 3)}`).join(' ; ')}.`, 8);

  heading(doc, `Secteurs classés (${result.ranked.length}) ; retenus par la règle conjonctive : ${result.qualifying.length}`);
  table(doc, [['Rang', 'Secteur', 'Code', 'Score', 'Rang médian (5-95 %)', 'Règle conjonctive'],
    ...result.ranked.slice(0, 60).map((s) => [String(s.rank), s.name, s.code, frenchNumber(s.score, 3),
      s.monte_carlo ? `${s.monte_carlo.median} (${s.monte_carlo.p5}-${s.monte_carlo.p95})${s.monte_carlo.unstable ? ' instable' : ''}` : '—',
      result.qualifying.includes(s.code) ? 'retenu' : 'non'])]);
  if (result.ranked.length > 60) line(doc, `… et ${result.ranked.length - 60} autres secteurs (voir l’export CSV).`, 8);

  if (result.excluded.length) {
    if (doc.y > a4.height - 160) doc.addPage();
    heading(doc, `Secteurs tenus à part (${result.excluded.length}) : rien n’est imputé`);
    for (const s of result.excluded.slice(0, 40)) line(doc, `${s.name} (${s.code}) : ${s.reason === 'inactive' ? 'aucun point actif' : `manque ${s.missing.join(', ')}`}`, 8);
  }
  if (doc.y > a4.height - 200) doc.addPage();
  heading(doc, 'Méthode');
  for (const rule of result.rules) line(doc, rule, 8);
  line(doc, 'Le critère 4 (immigration irrégulière, repli communautaire) n’est jamais calculé ni déduit par Sillage : il est saisi par la préfecture avec sa source et sa justification.', 8);
  heading(doc, 'Tampon');
  line(doc, `Classement n° ${ranking.id}. SHA-256 des paramètres, des données et du résultat : ${ranking.sha256}`, 8);
  line(doc, `Lien permanent : /secteurs?classement=${ranking.id}`, 8);
  doc.file(Buffer.from(JSON.stringify({ id: ranking.id, parameters: ranking.parameters, data_vintage: ranking.data_vintage, result, sha256: ranking.sha256 }), 'utf8'),
    { name: 'classement.json', type: 'application/json', description: 'Paramètres, données et résultat', relationship: 'Data', creationDate: new Date(ranking.created_at), modifiedDate: new Date(ranking.created_at) } as never);
  doc.end();
  return done;
}
