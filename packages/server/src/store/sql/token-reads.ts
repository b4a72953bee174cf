/** Reads of revoked JWTs, the same in every store (the writes: ../rules/account-writes.ts). */
import type { Kysely } from 'kysely';
import type { TokenRevocation } from '../store.js';
import type { Database } from './schema.js';

export async function tokenRevoked(db: Kysely<Database>, token: { subject: string; jti?: string | undefined; issuedAt?: number | undefined }): Promise<boolean> {
  const keys = [`sub:${token.subject}`, ...(token.jti ? [`jti:${token.jti}`] : [])];
  const rows = await db.selectFrom('token_revocations').select(['jti', 'not_before']).where('key', 'in', keys).execute();
  // A token without iat cannot show it was issued after a subject's revocation: it is revoked too.
  return rows.some((row) => row.jti !== null || row.not_before === null || token.issuedAt === undefined || token.issuedAt < row.not_before);
}

export async function revocationsSince(db: Kysely<Database>, createdAfter: number): Promise<Array<TokenRevocation & { createdAt: number }>> {
  const rows = await db.selectFrom('token_revocations').selectAll().where('created_at', '>', createdAfter).orderBy('created_at').execute();
  return rows.map((row) =>
    row.jti !== null ? { jti: row.jti, createdAt: row.created_at } : { subject: row.subject!, notBefore: row.not_before ?? Number.MAX_SAFE_INTEGER, createdAt: row.created_at },
  );
}
