import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations from the schema; the same files migrate
// PGlite and PostgreSQL.
export default defineConfig({
  dialect: 'postgresql',
  // schema.ts holds the core tables; each area adds its own schema-<area>.ts.
  schema: './packages/server/src/store/schema*.ts',
  out: './packages/server/migrations',
});
