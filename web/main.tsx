import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

interface Health { status: string; database: { mode: string; postgresql: string; postgis: string; migration: string | null } }

/** Placeholder home until the analysts' map lands: says what is running and where the API is. */
function Home() {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch('/api/health').then(async (response) => {
      if (!response.ok) throw new Error((await response.json()).message);
      setHealth(await response.json());
    }).catch((e: Error) => setError(e.message));
  }, []);
  return (
    <main style={{ fontFamily: 'Marianne, Arial, sans-serif', maxWidth: 720, margin: '3rem auto', lineHeight: 1.5 }}>
      <h1>Sillage</h1>
      <p>Cartographie unifiée des points de deal et de leurs déplacements.</p>
      {error && <p role="alert">Erreur : {error}</p>}
      {health && (
        <p>
          Base de données : {health.database.mode === 'embedded' ? 'PostGIS embarqué' : 'PostgreSQL'} (PostgreSQL {health.database.postgresql}, PostGIS {health.database.postgis}), migration {health.database.migration}.
        </p>
      )}
      <p><a href="/api/docs">Documentation de l’API</a></p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Home /></StrictMode>);
