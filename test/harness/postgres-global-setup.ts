import pg from 'pg';

/** The PostgreSQL tier refuses to start without its server, rather than quietly testing SQLite. */
export default async function setup(): Promise<void> {
  const url = process.env.ELO_TEST_DATABASE_URL;
  if (!url) throw new Error('ELO_TEST_DATABASE_URL não está definida: rode este nível com npm run test:pg (que inicia um PostgreSQL temporário).');
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } catch (e) {
    throw new Error(`PostgreSQL de teste inacessível em ELO_TEST_DATABASE_URL: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}
