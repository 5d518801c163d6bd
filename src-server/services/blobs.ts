import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { MAX_DOCUMENT_BYTES } from '../../src-shared/api/consult';
import { validationError } from '../../src-shared/api/validation';
import { ApiError } from '../../src-shared/errors';
import type { CentralDatabase, DevicesTable } from '../db/schema';
import { assertStationReceives } from './shapes';

/**
 * Attached documents' files (issue 7): desks send them here by their SHA-256 and fetch the ones they lack. A
 * file is stored only if its bytes hash to the name it came with, once per clinic; only stations that receive
 * the documents table (consult rooms, administrators) may send or fetch one.
 */
const blobInput = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'The file checksum is not a SHA-256.' }),
  dataBase64: z.string().min(1).max(Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4 + 4, { error: 'The file is larger than 10 MB.' }),
});

export async function storeBlob(db: Kysely<CentralDatabase>, device: DevicesTable, raw: unknown, now: Date): Promise<{ sha256: string; sizeBytes: number; stored: boolean }> {
  assertStationReceives('documents', device.station_role);
  const parsed = blobInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const bytes = Buffer.from(parsed.data.dataBase64, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_DOCUMENT_BYTES) throw new ApiError({ code: 'validation', reason: 'blob_size', message: 'A file must be between 1 byte and 10 MB.' });
  if (createHash('sha256').update(bytes).digest('hex') !== parsed.data.sha256) {
    throw new ApiError({ code: 'validation', reason: 'blob_checksum', message: 'The file does not match its checksum: it was damaged on the way. The PC will send it again.' });
  }
  const inserted = await db
    .insertInto('blobs')
    .values({ clinic_id: device.clinic_id, sha256: parsed.data.sha256, size_bytes: bytes.length, data: bytes, created_at: now.toISOString(), device_id: device.id })
    .onConflict((oc) => oc.columns(['clinic_id', 'sha256']).doNothing())
    .executeTakeFirst();
  return { sha256: parsed.data.sha256, sizeBytes: bytes.length, stored: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 };
}

export async function readBlob(db: Kysely<CentralDatabase>, device: DevicesTable, sha256: string): Promise<{ sha256: string; dataBase64: string }> {
  assertStationReceives('documents', device.station_role);
  const row = /^[0-9a-f]{64}$/.test(sha256)
    ? await db.selectFrom('blobs').select(['data']).where('clinic_id', '=', device.clinic_id).where('sha256', '=', sha256).executeTakeFirst()
    : undefined;
  if (!row) throw new ApiError({ code: 'not_found', reason: 'no_blob', message: 'The clinic server does not have this file yet.' });
  return { sha256, dataBase64: Buffer.from(row.data).toString('base64') };
}
