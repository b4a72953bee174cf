/** What the REST API's routes are made of: one ApiRoute per method and path, described by zod schemas. */
import type { z } from 'zod';
import type { ClientFrameType } from '../client-frames.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: `none` anyone; `optional` anyone, answered by who they are;
 * `user` a signed-in user or bot (session cookie, `Authorization: Bearer` session token,
 * JWT or bot token); `person` a signed-in user who is not a bot; `admin` a server admin
 * (ADMIN_USERS); `metrics` the metrics token or this machine.
 */
export type RouteAuth = 'none' | 'optional' | 'user' | 'person' | 'admin' | 'metrics';

export interface ApiRoute {
  /** Unique; the name a generated client gives the call. */
  operationId: string;
  method: HttpMethod;
  /** In OpenAPI form: `/api/rooms/{room}`. */
  path: string;
  tag: string;
  summary: string;
  auth: RouteAuth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body; `bodyRequired` false: it may be left out. */
  body?: z.ZodType;
  bodyRequired?: boolean;
  /** The body is the raw bytes of a file (POST /api/files). */
  binaryBody?: true;
  /** The success status and what it carries: a JSON schema, `binary` or `text` bytes, or null (no content). */
  status: number;
  response: z.ZodType | 'binary' | 'text' | null;
  /** Routes that are a client frame over HTTP (rest-chat): the frame it makes. */
  frame?: ClientFrameType;
  /** Fields of the frame the route sets itself (`on` of a reaction). */
  fixed?: Record<string, unknown>;
}

export function route<const R extends ApiRoute>(r: R): R {
  return r;
}

/** Fastify's form of a path: `{room}` → `:room`. */
export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
