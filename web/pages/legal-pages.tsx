/** The pages the DSFR footer must link to: accessibility statement, legal notice, personal data. */

export function AccessibilityPage() {
  return (
    <div>
      <h1>Déclaration d’accessibilité</h1>
      <p>Le service Sillage s’engage à rendre ses pages accessibles conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.</p>
      <h2>État de conformité</h2>
      <p>Sillage est <strong>non conforme</strong> au référentiel général d’amélioration de l’accessibilité (RGAA 4.1) : aucun audit complet n’a encore été réalisé.
        Les pages principales sont vérifiées automatiquement (axe-core) à chaque version : elles ne présentent aucune erreur grave ou critique détectable automatiquement.</p>
      <h2>Contenus non accessibles</h2>
      <ul>
        <li>Les cartes (hexagones, points de deal, zones des opérations) se lisent à la souris ou au toucher ; les mêmes chiffres sont donnés par les panneaux, les graphiques et les exports (CSV, instantanés).</li>
        <li>Les graphiques sont des images décrites par leur titre ; leurs valeurs sont dans les exports CSV.</li>
      </ul>
      <h2>Retour d’information et contact</h2>
      <p>Si vous n’arrivez pas à accéder à un contenu ou à un service, écrivez au responsable du service (administration de Sillage) pour être orienté vers une alternative accessible.</p>
      <h2>Voies de recours</h2>
      <p>Si vous avez signalé un défaut d’accessibilité sans obtenir de réponse satisfaisante, vous pouvez écrire au <a href="https://formulaire.defenseurdesdroits.fr/" target="_blank" rel="noopener noreferrer" title="Défenseur des droits — nouvelle fenêtre">Défenseur des droits</a>.</p>
    </div>
  );
}

export function LegalNoticePage() {
  return (
    <div>
      <h1>Mentions légales</h1>
      <h2>Éditeur</h2>
      <p>Sillage, cartographie unifiée des points de deal (mesure 5 du plan national de lutte contre les stupéfiants), est édité pour les services de l’État chargés de la lutte contre les trafics (OFAST, CROSS, préfectures).</p>
      <h2>Hébergement</h2>
      <p>Le service est hébergé par l’administration qui l’exploite ; cette instance indique son mode de fonctionnement à l’adresse <a href="/api/health">/api/health</a>.</p>
      <h2>Données et licences</h2>
      <ul>
        <li>Contours des communes et départements : IGN Admin Express, Licence Ouverte Etalab 2.0.</li>
        <li>Statistiques de la délinquance : SSMSI, Licence Ouverte Etalab 2.0.</li>
        <li>Police Marianne et système de design de l’État (DSFR) : Service d’information du Gouvernement.</li>
      </ul>
    </div>
  );
}

export function PersonalDataPage() {
  return (
    <div>
      <h1>Données personnelles</h1>
      <p><strong>Des lieux, jamais des personnes.</strong> Sillage n’enregistre aucune donnée sur les personnes présentes aux points de deal : seulement des lieux, leur activité dans le temps et les opérations menées.</p>
      <h2>Signalements du public</h2>
      <p>Un signalement ne demande ni nom, ni adresse électronique, ni téléphone. L’adresse IP sert seulement à limiter le nombre d’envois ; elle est comptée en mémoire et n’est jamais enregistrée.</p>
      <h2>Comptes des agents</h2>
      <p>Les comptes des agents habilités portent un identifiant, un rôle et des départements. Chaque accès à des données précises est inscrit au journal des accès, consultable par les administrateurs.</p>
      <h2>Cookies</h2>
      <p>Un seul cookie, strictement nécessaire, maintient la session des agents connectés. Aucun cookie de mesure d’audience ni de publicité.</p>
    </div>
  );
}
