/**
 * The one way the server makes HTTP requests on a user's behalf (outgoing webhooks, link
 * previews), so that a URL a user gives cannot reach the internal network:
 * - the host is resolved here, every address is judged by the AddressFilter, and the request
 *   connects to the address that passed (pinned through `lookup`): a DNS answer that changes
 *   between the check and the connection (rebinding) is never asked for;
 * - an IP literal is judged as it is (Node connects to a literal without a lookup);
 * - redirects are followed by hand, at most `maxRedirects`, each hop judged again;
 * - one deadline covers every hop (`timeoutMs`), and a body longer than `maxBytes` is cut
 *   (`truncate`) or refused;
 * - no proxy, no pooled socket, no cookies.
 */
import http from 'node:http';
import https from 'node:https';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import type { AddressFilter } from './address-filter.js';

/** The URL's address is one the server may not reach; `reason` names the range (e.g. `loopback`). */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

export interface GuardedRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** For the whole request, redirects included. */
  timeoutMs: number;
  maxBytes: number;
  /** 0: a redirect is returned as the response. */
  maxRedirects: number;
  /** Keep the first `maxBytes` of a longer body (true), or fail (false, the default). */
  truncate?: boolean;
  /** Aborts the request (the server is closing). */
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Resolves a host name to its addresses (DNS, /etc/hosts). Tests may pass their own. */
export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

export class GuardedFetcher {
  readonly #filter: AddressFilter;
  readonly #resolve: Resolver;
  readonly #userAgent: string;

  constructor(filter: AddressFilter, options: { userAgent: string; resolve?: Resolver }) {
    this.#filter = filter;
    this.#resolve = options.resolve ?? systemResolver;
    this.#userAgent = options.userAgent;
  }

  /** The address to connect to for `host`: the first that passes the filter. Throws RefusedAddressError when none does. */
  async address(host: string): Promise<{ address: string; family: number }> {
    const bare = host.replace(/^\[|\]$/g, '');
    const family = isIP(bare);
    const candidates = family !== 0 ? [{ address: bare, family }] : await this.#resolve(bare);
    let reason = 'no address';
    for (const candidate of candidates) {
      const refusal = this.#filter.refusal(candidate.address);
      if (refusal === null) return candidate;
      reason = refusal;
    }
    throw new RefusedAddressError(`refused address for ${bare}: ${reason}`);
  }

  async fetch(url: string, request: GuardedRequest): Promise<GuardedResponse> {
    const deadline = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
    let target = new URL(url);
    let method = request.method ?? 'GET';
    let body = request.body;
    for (let hop = 0; ; hop++) {
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new RefusedAddressError(`refused scheme ${target.protocol}`);
      if (target.username || target.password) throw new RefusedAddressError('refused URL with credentials');
      const pinned = await this.address(target.hostname);
      signal.throwIfAborted();
      let response: GuardedResponse;
      try {
        response = await this.#once(target, pinned, { ...request, method, body }, signal);
      } catch (error) {
        // The deadline aborts with a bare AbortError: say what happened.
        if (deadline.aborted) throw Object.assign(new Error(`no complete answer within ${request.timeoutMs} ms`), { name: 'TimeoutError' });
        throw error;
      }
      const location = response.headers.location;
      if (!REDIRECTS.has(response.status) || location === undefined || hop >= request.maxRedirects) return response;
      target = new URL(location, target);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  #once(target: URL, pinned: { address: string; family: number }, request: GuardedRequest, signal: AbortSignal): Promise<GuardedResponse> {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // Every lookup the socket makes answers the address that was judged.
    const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const headers: Record<string, string> = { 'user-agent': this.#userAgent, ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const module = target.protocol === 'https:' ? https : http;
    return new Promise<GuardedResponse>((resolve, reject) => {
      const req = module.request(
        {
          protocol: target.protocol,
          hostname: host,
          port: target.port === '' ? undefined : Number(target.port),
          path: `${target.pathname}${target.search}`,
          method: request.method ?? 'GET',
          headers,
          agent: false,
          lookup: pinnedLookup,
          ...(target.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: target.href });
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= request.maxBytes) {
              chunks.push(chunk);
              return;
            }
            if (request.truncate) {
              chunks.push(chunk.subarray(0, chunk.length - (size - request.maxBytes)));
              done();
            } else {
              reject(new Error(`response larger than ${request.maxBytes} bytes`));
            }
            res.destroy();
          });
          res.on('end', done);
          res.on('error', reject);
          // A response cut off (an abort, the peer) may close without 'end' or 'error'.
          res.on('close', () => reject(new Error('the connection closed before the response ended')));
        },
      );
      req.on('error', reject);
      req.end(request.body);
    });
  }
}
