/**
 * Files over HTTP: `POST /api/files?room=…&name=…` takes one file as the raw
 * request body (any Content-Type: it is not believed) and answers with its
 * Attachment; `GET /api/files/<id>/<name>` and `GET /api/thumbnails/<id>`
 * serve it to the members of its room. Every file response carries headers
 * that keep it from ever running as a page of Parley's origin: a type the
 * server found in the bytes (inline only for PNG, JPEG, GIF and WebP, else an
 * attachment of type application/octet-stream), nosniff, and a sandboxing CSP.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FILES_PATH, ParleyError, THUMBNAILS_PATH, isStorableText } from '@parley/protocol';
import '@fastify/cookie';
import type { Accounts } from '../auth/accounts.js';
import { credentialsOf, originAllowed } from './handshake.js';
import type { FileService } from '../files/file-service.js';
import { contentDisposition } from '../files/file-name.js';
import { INLINE_TYPES, UNKNOWN_TYPE } from '../files/sniff.js';
import type { Blob } from '../files/files.js';
import type { StoredFile } from '../store/store.js';
import { cameOverTls } from './forwarded.js';
import { isServerAdmin } from '../chat/admins.js';

export interface FileRoutesOptions {
  service: FileService;
  accounts: Accounts;
  allowedOrigins: readonly string[];
  trustProxy: boolean;
  /** ADMIN_USERS: server admins upload wherever they are members, whatever the room's permissions. */
  admins: readonly string[];
  /** MAX_FILE_BYTES: a refused upload no larger than this is read to its end before the answer, so that the client sees it. */
  maxFileBytes: number;
}

/** On every file response: no script, no plugin, no form, nothing of the origin's, even opened in a tab of its own. */
export const FILE_CSP = "sandbox; default-src 'none'";

const uploadQuery = z.strictObject({
  room: z.string().min(1).max(128).refine(isStorableText, 'NUL characters and lone surrogates are not allowed'),
  name: z.string().min(1).max(1024),
});
const fileParams = z.object({ id: z.string().max(64), name: z.string().optional() });

export function fileRoutes(app: FastifyInstance, options: FileRoutesOptions): void {
  const { service, accounts } = options;

  const identityOf = async (request: FastifyRequest) => {
    const token = credentialsOf(request.headers);
    return token ? await accounts.resolve(token) : null;
  };
  const userOf = async (request: FastifyRequest): Promise<string | null> => (await identityOf(request))?.user.id ?? null;

  void app.register(async (scope) => {
    // The body is the file, read as a stream by the route (any type, no size limit here: the upload sets its own).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));

    scope.post(FILES_PATH, async (request, reply) => {
      try {
        if (!originAllowed(request.headers, options.allowedOrigins, cameOverTls(request.raw, options.trustProxy))) {
          throw new ParleyError('forbidden', 'Uploads from this origin are not allowed (ALLOWED_ORIGINS).');
        }
        const query = uploadQuery.parse(request.query);
        const identity = await identityOf(request);
        if (identity === null) throw new ParleyError('unauthenticated', 'Sign in to upload.');
        const length = request.headers['content-length'];
        const attachment = await service.upload({
          userId: identity.user.id,
          admin: isServerAdmin(options, identity.user),
          room: query.room,
          name: query.name,
          declaredBytes: length === undefined ? null : Number(length),
          body: request.raw,
        });
        void reply.status(201);
        return attachment;
      } catch (error) {
        await settleBody(request, reply, options.maxFileBytes);
        throw error;
      }
    });
  });

  app.get(`${FILES_PATH}/:id/:name`, async (request, reply) => {
    const { id } = fileParams.parse(request.params);
    const download = (request.query as Record<string, unknown>).download !== undefined;
    const userId = await userOf(request);
    if (userId === null) throw new ParleyError('not_found', 'No such file.');
    const { file, blob } = await service.open(id, userId, 'file');
    const inline = !download && INLINE_TYPES.has(file.contentType) && file.width !== null;
    return serve(reply, blob, inline ? file.contentType : UNKNOWN_TYPE, contentDisposition(inline ? 'inline' : 'attachment', file.name));
  });

  app.get(`${THUMBNAILS_PATH}/:id`, async (request, reply) => {
    const { id } = fileParams.parse(request.params);
    const userId = await userOf(request);
    if (userId === null) throw new ParleyError('not_found', 'No such file.');
    const { file, blob } = await service.open(id, userId, 'thumbnail');
    return serve(reply, blob, 'image/webp', contentDisposition('inline', thumbnailName(file)));
  });
}

function thumbnailName(file: StoredFile): string {
  const dot = file.name.lastIndexOf('.');
  return `${dot > 0 ? file.name.slice(0, dot) : file.name}.webp`;
}

function serve(reply: FastifyReply, blob: Blob, type: string, disposition: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-length', blob.size)
    .header('content-disposition', disposition)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', FILE_CSP)
    // Other sites may not embed it (riding on the visitor's cookie); the bytes of an id never change.
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', 'private, max-age=86400')
    .send(blob.stream);
}

/**
 * After a refused upload: a body no larger than MAX_FILE_BYTES is read to its end (and
 * dropped), so that the client, still sending, then reads the answer; a larger or endless one
 * is not, and the connection closes after the answer.
 */
async function settleBody(request: FastifyRequest, reply: FastifyReply, maxFileBytes: number): Promise<void> {
  const body = request.raw;
  if (body.readableEnded || body.destroyed) return;
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (!(declared <= maxFileBytes)) {
    void reply.header('connection', 'close');
    return;
  }
  await new Promise<void>((resolve) => {
    body.once('end', resolve);
    body.once('close', resolve);
    body.resume();
  });
}
