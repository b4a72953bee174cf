/** Files for tests: images made with sharp, raw uploads and downloads over HTTP (no SDK). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Attachment, ErrorBody } from '@parley/protocol';

export async function png(width = 64, height = 48, colour = '#3366cc'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

/** A PDF of one empty page, small but well-formed. */
export function pdf(text = 'Parley'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

export type UploadAnswer = { status: number; attachment?: Attachment; error?: ErrorBody };

/** POSTs `body` to /api/files as `token`'s user. */
export async function uploadRaw(
  url: string,
  token: string | null,
  room: string,
  name: string,
  body: Buffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<UploadAnswer> {
  const response = await fetch(`${url}/api/files?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body as never,
    duplex: 'half',
  } as RequestInit);
  const parsed = (await response.json()) as Attachment | { error: ErrorBody };
  return 'error' in parsed ? { status: response.status, error: parsed.error } : { status: response.status, attachment: parsed };
}

export async function download(url: string, path: string, token: string | null): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/** Blobs (files and thumbnails) stored on disk by the server whose data directory is `dataDir` (the default FILES_DIR). */
export function blobsOnDisk(server: { dataDir: string }): number {
  const root = join(server.dataDir, 'files', 'blobs');
  return readdirSync(root).reduce((n, dir) => n + readdirSync(join(root, dir)).length, 0);
}
