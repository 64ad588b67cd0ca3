import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file: migrations are applied by Herald itself at start
// (src/adapters/db/migrate.ts) and authored offline with `npm run migration:new`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
