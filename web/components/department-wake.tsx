/**
 * Another department's (ended) operation as it concerns a departmental analyst or prefect: its
 * wake in their departments (their towns in full), the towns elsewhere only as totals. The effect
 * on the target (another department's precise counts) is not theirs to read.
 */
import type { GetRoutes } from '../api/routes';
import { frenchDate, frenchNumber as number, frenchPValue as pValue, sizeClassNames } from '../format';

/** The wake as the server sends it (server/schemas/analyses.ts). */
export type DepartmentWake = GetRoutes['/api/analyses/operations/:id/department-wake'];

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;

export function DepartmentWakeView({ wake: w }: { wake: DepartmentWake }) {
  const mine = w.departments.join(', ');
  const flagged = w.destinations.filter((d) => d.flagged);
  return (
    <>
      <p className="fr-text--sm" data-testid="as-of">
        Opération du département {w.operation.department}, du {frenchDate(w.operation.started_on)}{w.operation.ended_on ? ` au ${frenchDate(w.operation.ended_on)}` : ''}. Données lues au {frenchDate(w.as_of)} (méthode du {frenchDate(w.method_version)}).
      </p>
      <div className="fr-alert fr-alert--info fr-alert--sm fr-mb-2w">
        <p>Cette opération est hors de vos départements : son effet sur la zone ciblée n’est pas présenté. Voici son sillage dans vos départements ({mine}) ; les communes des autres départements ne sont données qu’en total.</p>
      </div>
      <section className="fr-card fr-p-2w" data-testid="department-wake">
        <h2 className="fr-h6">Sillage dans vos départements</h2>
        <p className="fr-text--sm">
          {plural(w.dismantled, 'point démantelé', 'points démantelés')} ; {plural(w.candidates, 'commune', 'communes')} d’au moins {number(w.parameters.min_population, 0)} habitants à moins de {number(w.parameters.distance_km, 0)} km testées au total, sur {w.parameters.lag_months} mois après le début.
          {' '}<strong>{flagged.length === 0 ? 'Aucune de vos communes n’est une destination probable.' : `${plural(flagged.length, 'destination probable', 'destinations probables')} chez vous : ${flagged.map((d) => d.name).join(', ')}.`}</strong>
          {' '}Test placebo de l’ensemble du sillage : {w.placebo.p_value === null ? 'trop peu de mois de comparaison' : <>p = {pValue(w.placebo.p_value)}{w.placebo.significant ? ' (significatif)' : ''}</>}.
          {w.partial_window && ' Fenêtre incomplète : les données s’arrêtent avant sa fin.'}
        </p>
        {w.destinations.length === 0 ? <p className="fr-text--sm">Aucune apparition dans vos communes pendant la fenêtre.</p> : (
          <div className="sillage-scroll"><table className="sillage-table fr-text--xs" data-testid="destinations">
            <caption className="fr-sr-only">Communes de vos départements : apparitions après l’opération et attendues</caption>
            <thead><tr><th scope="col">Commune</th><th scope="col">Taille</th><th scope="col">Apparitions</th><th scope="col">Attendues</th><th scope="col">p</th><th scope="col">Destination (FDR {number(w.parameters.fdr * 100, 1)} % ; {number(w.parameters.fdr * 200, 1)} % si le test placebo du sillage est significatif)</th></tr></thead>
            <tbody>
              {w.destinations.map((d) => (
                <tr key={d.commune} className={d.flagged ? 'sillage-flagged' : ''}><td>{d.name} ({d.commune})</td><td>{sizeClassNames[d.size_class] ?? d.size_class}</td><td>{d.linked}</td><td>{number(d.expected, 2)}</td><td>{pValue(d.p_value)}</td><td>{d.flagged ? 'oui' : ''}</td></tr>
              ))}
            </tbody>
          </table></div>
        )}
        <p className="fr-text--sm fr-mt-1w" data-testid="elsewhere">
          Ailleurs : {plural(w.elsewhere.linked, 'apparition', 'apparitions')} ({number(w.elsewhere.expected, 1)} attendues) dans {plural(w.elsewhere.towns_with_appearances, 'commune', 'communes')}, dont {plural(w.elsewhere.flagged, 'destination probable', 'destinations probables')}.
        </p>
      </section>
    </>
  );
}

/** Operations of other departments whose wake may reach the principal's. */
export type WakesReaching = GetRoutes['/api/analyses/department-wakes'];
