/**
 * Who is at the other end of a request, and whether it came over TLS. Behind a
 * reverse proxy the socket's peer is the proxy, which says who and how in
 * X-Forwarded-For and X-Forwarded-Proto. Anyone can send those headers, so they
 * are believed only with TRUST_PROXY on, and then only what the one proxy in
 * front of us wrote: the last entry of each (a client's own entries come
 * before it). With TRUST_PROXY off they are ignored. Fastify's `trustProxy: 1`
 * reads them the same way (request.ip, request.protocol).
 */
import type { IncomingMessage } from 'node:http';

function lastEntry(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined) return null;
  const entry = value.slice(value.lastIndexOf(',') + 1).trim();
  return entry === '' ? null : entry;
}

/** The client's address: the socket's peer, or with `trustProxy` the address the proxy appended. */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const peer = request.socket.remoteAddress ?? '';
  return (trustProxy && lastEntry(request.headers['x-forwarded-for'])) || peer;
}

/** Whether the client's connection is TLS: the socket's own, or with `trustProxy` the proxy's word. */
export function cameOverTls(request: IncomingMessage, trustProxy: boolean): boolean {
  if ((request.socket as { encrypted?: boolean }).encrypted === true) return true;
  return trustProxy && lastEntry(request.headers['x-forwarded-proto'])?.toLowerCase() === 'https';
}
