import type { Health, Me } from '../api/client';
import { roleLabels } from '../api/client';

export function HomePage({ me }: { me: Me | null; health: Health | null }) {
  return (
    <div>
      <h1>Sillage</h1>
      <p className="fr-text--lead">Carte nationale unifiée des points de deal (mesure 5 du plan national de lutte contre les stupéfiants) et de leurs déplacements après les opérations « place nette ».</p>
      {me?.user && <p>Connecté en tant que <strong>{me.user.username}</strong> — {roleLabels[me.user.role]}{me.user.departments.length ? ` (départements ${me.user.departments.join(', ')})` : ''}.</p>}
      <ul>
        <li><a href="/statistiques">Statistiques publiques</a> : trafic et usage de stupéfiants (SSMSI), points de deal actifs par département</li>
        <li><a href="/signaler">Signaler un point de deal suspecté</a> (sans compte, mesure 16)</li>
        <li><a href="/api/docs">Documentation de l’API</a></li>
      </ul>
    </div>
  );
}
