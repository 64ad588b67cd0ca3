// `prisma dev` (a local Prisma Postgres) is the only user of the real package; Herald runs its own
// embedded PostgreSQL instead and never starts `prisma dev`.
export async function startLocalDurableStreamsServer() {
  throw new Error('prisma dev is not available in this project: Herald runs its own embedded PostgreSQL (see the README).');
}
