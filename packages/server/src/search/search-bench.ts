/**
 * `npm run bench:search`: search on a million messages, Korean and English mixed (bench-corpus.ts),
 * on SQLite and on PostgreSQL, into bench/results/search.md.
 *
 * The messages are written at the schema version before search (on PostgreSQL, before its
 * current search migration), and the store's migration indexes them (the backfill is timed).
 * Then, for each query:
 * - recall: every message the index matches, against the ground truth `LIKE '%query%'` over every
 *   live message (for words that are not Korean, restricted to matches at the start of a word:
 *   search matches words by their start); messages matched beyond the truth are counted too;
 * - the first page the store returns (20, newest first) against the truth's newest 20;
 * - the time of that page (`Store.searchMessages`), REPEATS times, against the same page read
 *   with `LIKE … ORDER BY ts DESC LIMIT 20` in the same run;
 * and the index's size against the raw text (the bytes of every live message's body).
 *
 * SEARCH_BENCH_MESSAGES (1,000,000) and SEARCH_BENCH_PG_MESSAGES (the same) set the sizes;
 * SEARCH_BENCH_ENGINES (sqlite,postgres) the stores measured.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createSqliteStore } from '../store/store-sqlite.js';
import { createPostgresStore } from '../store/store-postgres.js';
import { runMigrations as runSqliteMigrations, versionBefore as sqliteVersionBefore } from '../store/sqlite/migrations.js';
import { runMigrations as runPgMigrations, versionBefore as pgVersionBefore } from '../store/postgres/migrations.js';
import type { Store } from '../store/store.js';
import { createTestDatabase, postgresUnavailable } from '../testing/postgres.js';
import { QUERIES, message, seeded } from './bench-corpus.js';
import { fts5Query } from './search-sqlite.js';
import { ANY_KEY, keysOf, searchKeys } from './search-postgres-keys.js';
import { matchesClauses, normalize, parseQuery } from './tokenize.js';

const COUNT = Number(process.env.SEARCH_BENCH_MESSAGES ?? 1_000_000);
const PG_COUNT = Number(process.env.SEARCH_BENCH_PG_MESSAGES ?? COUNT);
const ROOMS = 200;
const PAGE = 20;
const REPEATS = 20;
const LIKE_REPEATS = 1;
const USER = 'u-bench';
const BASE_TS = Date.UTC(2026, 0, 1);
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'bench', 'results', 'search.md');

interface Row {
  room: string;
  seq: number;
  ts: number;
  body: string;
}

/** The corpus, message by message: room i % ROOMS, one second apart; one in a hundred deleted. */
function* corpus(count: number): Generator<Row & { deleted: boolean }> {
  const random = seeded(21);
  const seqs = new Array<number>(ROOMS).fill(1);
  for (let i = 0; i < count; i++) {
    const r = i % ROOMS;
    const deleted = random() < 0.01;
    const body = message(random);
    yield { room: `room-${r}`, seq: ++seqs[r]!, ts: BASE_TS + i * 1000, body: deleted ? '' : body, deleted };
  }
}

interface QueryResult {
  query: string;
  group: string;
  truth: number;
  recall: number;
  extra: number;
  firstPage: boolean;
  samples: number[];
  likeMs: number;
}

interface Engine {
  name: string;
  messages: number;
  rawBytes: number;
  indexBytes: number;
  indexDetail: string;
  backfillMs: number;
  results: QueryResult[];
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const median = (values: number[]): number => quantile(values, 0.5);
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1));

function queries(): Array<{ query: string; group: string }> {
  return [
    ...QUERIES.korean.flatMap((list, i) => list.map((query) => ({ query, group: `Korean, ${i + 1} syllable${i > 0 ? 's' : ''}` }))),
    ...QUERIES.english.map((query) => ({ query, group: 'English' })),
  ];
}

/** The ground truth's filter beyond LIKE: every word that is not Korean at the start of a word. */
function truthFilter(query: string): (body: string) => boolean {
  const words = query.split(/\s+/).filter((w) => !/\p{Script=Hangul}/u.test(w));
  const starts = words.map((w) => new RegExp(`(^|[^\\p{L}\\p{N}])${w}`, 'u'));
  return (body) => starts.every((re) => re.test(normalize(body)));
}

const key = (room: string, seq: number) => `${room}#${seq}`;

async function measure(
  store: Store,
  query: string,
  group: string,
  truthRows: Array<{ room_id: string; seq: number; ts: number; body: string }>,
  indexKeys: Set<string>,
  likePage: () => Promise<unknown>,
): Promise<QueryResult> {
  const filter = truthFilter(query);
  const truth = truthRows.filter((row) => filter(row.body));
  const truthKeys = new Set(truth.map((row) => key(row.room_id, Number(row.seq))));
  let hit = 0;
  for (const k of truthKeys) if (indexKeys.has(k)) hit++;
  const newest = [...truth].sort((a, b) => Number(b.ts) - Number(a.ts)).slice(0, PAGE).map((row) => key(row.room_id, Number(row.seq)));
  const clauses = parseQuery(query);
  const page = await store.searchMessages({ userId: USER, clauses, limit: PAGE });
  const firstPage = JSON.stringify(page.hits.map((h) => key(h.event.room, h.event.seq))) === JSON.stringify(newest);
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    await store.searchMessages({ userId: USER, clauses, limit: PAGE });
    samples.push(performance.now() - started);
  }
  const likeSamples: number[] = [];
  for (let i = 0; i < LIKE_REPEATS; i++) {
    const started = performance.now();
    await likePage();
    likeSamples.push(performance.now() - started);
  }
  return {
    query,
    group,
    truth: truthKeys.size,
    recall: truthKeys.size === 0 ? 1 : hit / truthKeys.size,
    extra: indexKeys.size - hit,
    firstPage,
    samples,
    likeMs: median(likeSamples),
  };
}

/** The LIKE pattern of the longest word of the query (the truth's superset; truthFilter narrows it). */
function likePatterns(query: string): string[] {
  return query.split(/\s+/).map((w) => `%${w}%`);
}

async function sqlite(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-search-bench-'));
  const file = join(dir, 'parley.db');
  try {
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    runSqliteMigrations(db, sqliteVersionBefore('search'));
    db.transaction(() => {
      db.prepare(`INSERT INTO users (id, username, name, kind, created_at) VALUES (?, 'bench', 'Bench', 'guest', 0)`).run(USER);
      const room = db.prepare(`INSERT INTO rooms (id, name, name_key, kind, created_at, last_seq) VALUES (?, ?, ?, 'public', 0, 0)`);
      const member = db.prepare(`INSERT INTO members (room_id, user_id, role, read_seq, joined_at) VALUES (?, ?, 'member', 0, 0)`);
      const created = db.prepare(`INSERT INTO events (room_id, seq, ts, kind, user_id, user_name) VALUES (?, 1, 0, 'created', ?, 'Bench')`);
      for (let r = 0; r < ROOMS; r++) {
        room.run(`room-${r}`, `room ${r}`, `room ${r}`);
        member.run(`room-${r}`, USER);
        created.run(`room-${r}`, USER);
      }
      const event = db.prepare(`INSERT INTO events (room_id, seq, ts, kind, user_id, user_name, client_id, body, deleted)
        VALUES (?, ?, ?, 'message', ?, 'Bench', ?, ?, ?)`);
      for (const row of corpus(COUNT)) event.run(row.room, row.seq, row.ts, USER, `c-${row.room}-${row.seq}`, row.body, row.deleted ? 1 : 0);
      db.exec(`UPDATE rooms SET last_seq = (SELECT max(seq) FROM events WHERE room_id = rooms.id)`);
    })();
    const rawBytes = db.prepare(`SELECT sum(length(CAST(body AS BLOB))) FROM events WHERE kind = 'message' AND deleted = 0`).pluck().get() as number;
    db.close();

    const store = createSqliteStore({ file, synchronous: 'normal', writer: 'inline' });
    try {
      const started = performance.now();
      await store.migrate();
      const backfillMs = performance.now() - started;
      const reader = new BetterSqlite3(file, { readonly: true });
      try {
        const sizes = reader
          .prepare(`SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE name LIKE 'search%' OR name LIKE 'sqlite_autoindex_search%' GROUP BY name ORDER BY bytes DESC`)
          .all() as Array<{ name: string; bytes: number }>;
        const indexBytes = sizes.reduce((sum, s) => sum + s.bytes, 0);
        const matchAll = reader.prepare(`SELECT k.room_id, d.seq FROM search_fts f JOIN search_docs d ON d.id = f.rowid
          JOIN search_rooms k ON k.key = d.room_key WHERE search_fts MATCH ?`);
        const results: QueryResult[] = [];
        for (const { query, group } of queries()) {
          const patterns = likePatterns(query);
          const where = patterns.map(() => 'body LIKE ?').join(' AND ');
          const truthRows = reader.prepare(`SELECT room_id, seq, ts, body FROM events WHERE kind = 'message' AND deleted = 0 AND ${where}`).all(...patterns) as Array<{ room_id: string; seq: number; ts: number; body: string }>;
          const indexKeys = new Set((matchAll.all(fts5Query(parseQuery(query))) as Array<{ room_id: string; seq: number }>).map((r) => key(r.room_id, r.seq)));
          const likePage = reader.prepare(`SELECT * FROM events WHERE kind = 'message' AND deleted = 0 AND ${where} ORDER BY ts DESC LIMIT ${PAGE}`);
          results.push(await measure(store, query, group, truthRows, indexKeys, async () => likePage.all(...patterns)));
          process.stdout.write(`sqlite ${query}\n`);
        }
        const indexDetail = sizes.map((s) => `${s.name} ${(s.bytes / 1048576).toFixed(1)} MiB`).join(', ');
        return { name: 'SQLite (FTS5)', messages: COUNT, rawBytes, indexBytes, indexDetail, backfillMs, results };
      } finally {
        reader.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<Engine | string> {
  const unavailable = await postgresUnavailable();
  if (unavailable) return unavailable;
  const database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  try {
    await client.connect();
    // The messages are written before the current search migration (the one timed), the first
    // search table then being empty: that migration drops it without reading it.
    await runPgMigrations(client, pgVersionBefore('search keys over events'));
    await client.query(`INSERT INTO users (id, username, name, kind, created_at) VALUES ($1, 'bench', 'Bench', 'guest', 0)`, [USER]);
    const rooms = Array.from({ length: ROOMS }, (_, r) => `room-${r}`);
    await client.query(`INSERT INTO rooms (id, name, name_key, kind, created_at, last_seq) SELECT id, id, id, 'public', 0, 0 FROM unnest($1::text[]) AS id`, [rooms]);
    await client.query(`INSERT INTO members (room_id, user_id, role, read_seq, joined_at) SELECT id, $2, 'member', 0, 0 FROM unnest($1::text[]) AS id`, [rooms, USER]);
    await client.query(`INSERT INTO events (room_id, seq, ts, kind, user_id, user_name) SELECT id, 1, 0, 'created', $2, 'Bench' FROM unnest($1::text[]) AS id`, [rooms, USER]);
    let batch: Array<Row & { deleted: boolean }> = [];
    const flush = async () => {
      await client.query(
        `INSERT INTO events (room_id, seq, ts, kind, user_id, user_name, client_id, body, deleted)
         SELECT r, s, t, 'message', $5, 'Bench', 'c-' || r || '-' || s, b, d FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $6::smallint[]) AS u(r, s, t, b, d)`,
        [batch.map((x) => x.room), batch.map((x) => x.seq), batch.map((x) => x.ts), batch.map((x) => x.body), USER, batch.map((x) => (x.deleted ? 1 : 0))],
      );
      batch = [];
    };
    for (const row of corpus(PG_COUNT)) {
      batch.push(row);
      if (batch.length === 10_000) await flush();
    }
    if (batch.length > 0) await flush();
    await client.query(`UPDATE rooms SET last_seq = (SELECT max(seq) FROM events WHERE room_id = rooms.id)`);
    await client.query('VACUUM ANALYZE events');
    const rawBytes = Number((await client.query(`SELECT sum(octet_length(body)) AS bytes FROM events WHERE kind = 'message' AND deleted = 0`)).rows[0].bytes);

    const store = createPostgresStore({ url: database.url, poolSize: 4 });
    try {
      const started = performance.now();
      await store.migrate();
      const backfillMs = performance.now() - started;
      // The numbering's UPDATE left a dead version of each message row; autovacuum would clear them.
      await client.query('VACUUM ANALYZE events');
      const size = (await client.query(`SELECT pg_relation_size('events_search_keys') AS gin, pg_relation_size('events_search_order') AS btree,
        8 * (SELECT count(*) FROM events WHERE kind = 'message') AS id_column`)).rows[0] as { gin: string; btree: string; id_column: string };
      const indexBytes = Number(size.gin) + Number(size.btree) + Number(size.id_column);
      const results: QueryResult[] = [];
      for (const { query, group } of queries()) {
        const patterns = likePatterns(query);
        // ILIKE: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not.
        const where = patterns.map((_, i) => `body ILIKE $${i + 1}`).join(' AND ');
        const truthRows = (await client.query(`SELECT room_id, seq, ts, body FROM events WHERE kind = 'message' AND deleted = 0 AND ${where}`, patterns)).rows;
        // What the store finds: the candidates of the key index, checked.
        const clauses = parseQuery(query);
        const candidates = (await client.query(`SELECT room_id, seq, body FROM events WHERE kind = 'message' AND deleted = 0
          AND (${keysOf('')} @> $1::text[] OR ${keysOf('')} @> '{${ANY_KEY}}')`, [searchKeys(clauses)])).rows as Array<{ room_id: string; seq: string; body: string }>;
        const indexKeys = new Set(candidates.filter((r) => matchesClauses(r.body, clauses)).map((r) => key(r.room_id, Number(r.seq))));
        const likePage = () => client.query(`SELECT * FROM events WHERE kind = 'message' AND deleted = 0 AND ${where} ORDER BY ts DESC LIMIT ${PAGE}`, patterns);
        results.push(await measure(store, query, group, truthRows, indexKeys, likePage));
        process.stdout.write(`postgres ${query}\n`);
      }
      const mib = (bytes: string) => `${(Number(bytes) / 1048576).toFixed(1)} MiB`;
      const indexDetail = `GIN of keys ${mib(size.gin)}, B-tree of the order ${mib(size.btree)}, events.search_id ${mib(size.id_column)} (8 bytes a message)`;
      return { name: 'PostgreSQL (key index on events)', messages: PG_COUNT, rawBytes, indexBytes, indexDetail, backfillMs, results };
    } finally {
      await store.close();
    }
  } finally {
    await client.end().catch(() => undefined);
    await database.drop();
  }
}

function render(engines: Array<Engine | string>, loadBefore: number[]): string {
  const load = (values: number[]) => values.map((v) => v.toFixed(1)).join(', ');
  const lines = [
    '# Search benchmark',
    '',
    `Run ${new Date().toISOString()} by \`npm run bench:search\` (packages/server/src/search/search-bench.ts), node ${process.version}, ${cpus().length} cores; load average (1, 5, 15 min) ${load(loadBefore)} at the start, ${load(loadavg())} at the end (the machine is shared: other work inflates the tail of the times).`,
    '',
    `Corpus: chat lines from bench-corpus.ts — 45% Korean (particles and endings glued on, 20% of nouns in compounds such as 정보검색), 45% English, 10% Korean with English words — in ${ROOMS} public rooms, one second apart, 1% deleted. The messages are written at the schema version before search; the store's migration indexes them (backfill). Ground truth: \`LIKE '%query%'\` over every live message (each word of the query); for words that are not Korean, only matches at the start of a word count (search matches such words by their start: \`deploy\` finds \`deployment\`, not \`redeploy\`). Recall is the share of the truth the index matches; "extra" the messages it matches beyond the truth. "First page" checks the store's first page (${PAGE}, newest first) against the truth's newest ${PAGE}. Times are \`Store.searchMessages\` for that page (${REPEATS} runs per query, in this process); "LIKE page" is the same page read with \`LIKE … ORDER BY ts DESC LIMIT ${PAGE}\` (${LIKE_REPEATS === 1 ? 'once' : `median of ${LIKE_REPEATS}`}), the same-run baseline.`,
    '',
  ];
  for (const engine of engines) {
    if (typeof engine === 'string') {
      lines.push('## PostgreSQL', '', `Not measured: ${engine}`, '');
      continue;
    }
    const all = engine.results.flatMap((r) => r.samples);
    const recall = Math.min(...engine.results.map((r) => r.recall));
    const extra = engine.results.reduce((sum, r) => sum + r.extra, 0);
    lines.push(
      `## ${engine.name}, ${engine.messages.toLocaleString('en-US')} messages`,
      '',
      `| Figure | Value | Target |`,
      `| --- | --- | --- |`,
      `| Recall, every query | ${(recall * 100).toFixed(2)}% (lowest of ${engine.results.length} queries); ${extra} extra | 100% |`,
      `| First page equals the truth's newest ${PAGE} | ${engine.results.filter((r) => r.firstPage).length} of ${engine.results.length} queries | all |`,
      `| Search p50 / p95 / p99, all queries | ${ms(quantile(all, 0.5))} / **${ms(quantile(all, 0.95))}** / ${ms(quantile(all, 0.99))} ms | p95 < 20 ms |`,
      `| Index size / raw text | ${(engine.indexBytes / 1048576).toFixed(1)} MiB / ${(engine.rawBytes / 1048576).toFixed(1)} MiB = **${(engine.indexBytes / engine.rawBytes).toFixed(2)}×** | < 2.5× |`,
      `| Backfill (migration) | ${(engine.backfillMs / 1000).toFixed(1)} s | — |`,
      '',
      `Index: ${engine.indexDetail}.`,
      '',
      '| Query | Kind | Truth | Recall | Extra | First page | p50 ms | p95 ms | LIKE page ms | LIKE / search (p50) |',
      '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
      ...engine.results.map(
        (r) =>
          `| ${r.query} | ${r.group} | ${r.truth} | ${(r.recall * 100).toFixed(1)}% | ${r.extra} | ${r.firstPage ? 'yes' : '**no**'} | ${ms(median(r.samples))} | ${ms(quantile(r.samples, 0.95))} | ${ms(r.likeMs)} | ${(r.likeMs / median(r.samples)).toFixed(0)}× |`,
      ),
      '',
    );
    const groups = [...new Set(engine.results.map((r) => r.group))];
    lines.push('| Kind | p50 ms | p95 ms |', '| --- | ---: | ---: |');
    for (const group of groups) {
      const samples = engine.results.filter((r) => r.group === group).flatMap((r) => r.samples);
      lines.push(`| ${group} | ${ms(quantile(samples, 0.5))} | ${ms(quantile(samples, 0.95))} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const only = process.env.SEARCH_BENCH_ENGINES?.split(',') ?? ['sqlite', 'postgres'];
  const engines: Array<Engine | string> = [];
  mkdirSync(dirname(RESULTS), { recursive: true });
  // Written after each store: a long run keeps what it measured.
  for (const [name, run] of [['sqlite', sqlite], ['postgres', postgres]] as const) {
    if (!only.includes(name)) continue;
    engines.push(await run());
    writeFileSync(RESULTS, render(engines, loadBefore));
    process.stdout.write(`wrote ${RESULTS}\n`);
  }
}

await main();
