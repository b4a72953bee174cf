/**
 * PostgreSQL's search keys (migration 'search keys over events'): an expression GIN index on the
 * live messages of `events` (keysOf) — so that no copy of the text or its
 * tokens is stored; the index follows inserts, edits and deletions by itself.
 *
 * The keys narrow the messages down, never decide: a message matches a query only if its keys hold
 * the query's keys (searchKeys), and the store then checks each candidate's text with
 * matchesClauses (tokenize.ts). So the keys must never miss a match; extra candidates cost time only.
 * - A run of Hangul or Han gives every character and every bigram: a phrase of bigrams needs them
 *   all, a single character itself.
 * - A run of letters and digits gives its prefixes of 1, 2, 3 and 5 characters: a query word `deploy`
 *   needs the 5-character prefix `deplo`, `dat` the 3-character one.
 * - The keys are computed in SQL, so they agree with tokenize.ts only on text whose normalization
 *   SQL can repeat exactly: ASCII, Hangul (syllables, jamo, compatibility jamo: NFKC maps them as
 *   JavaScript does), the main blocks of Han, and punctuation, symbols and emoji that normalize to
 *   no letter, digit or mark (KEYED_CHARACTERS). Any other character (é, か, а …) makes the
 *   message's keys `{*}`: it is a candidate for every query, and the check in TypeScript decides.
 *
 * KEYED_CHARACTERS and the function are part of a shipped migration: a change to either needs a
 * new migration that replaces the function and rebuilds the index.
 */
import { isCjk, type SearchClause } from './tokenize.js';

/** The key of a message with a character the SQL cannot normalize as tokenize.ts does: a candidate for every query. */
export const ANY_KEY = '*';

/** Lengths of the prefixes a run of letters and digits is keyed by (a query word uses the longest it has). */
export const LATIN_PREFIXES = [1, 2, 3, 5] as const;

/**
 * The characters of a message whose keys are computed (inclusive code point ranges): ASCII, Hangul, Han,
 * variation selectors (removed, as tokenize.ts removes marks), and characters that normalize (NFKD
 * and NFKC) to no letter, digit or mark and so only separate words (search-postgres-keys.test.ts checks).
 */
export const KEYED_CHARACTERS: ReadonlyArray<readonly [number, number]> = [
  [0x01, 0x7f],
  [0xa0, 0xa7], [0xa9, 0xa9], [0xab, 0xae], [0xb0, 0xb1], [0xb6, 0xb7], [0xbb, 0xbb], [0xbf, 0xbf], [0xd7, 0xd7], [0xf7, 0xf7],
  [0x1100, 0x11ff],
  [0x2000, 0x2016], [0x2018, 0x203d], [0x203f, 0x2064], [0x2066, 0x206f], [0x2190, 0x2199], [0x2500, 0x2775],
  [0x3000, 0x3003],
  [0x3131, 0x318e],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0xfe0e, 0xfe0f],
  [0x1f300, 0x1f6d8], [0x1f900, 0x1fa57],
];

/** The CJK characters of keyed text after NFKC: Hangul syllables and conjoining jamo, Han. */
export const CJK_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x11ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
];

/** A code point as a PostgreSQL regular expression escape. */
function pgEscape(codePoint: number): string {
  const hex = codePoint.toString(16);
  return codePoint <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

function pgClass(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([from, to]) => (from === to ? pgEscape(from) : `${pgEscape(from)}-${pgEscape(to)}`)).join('');
}

/**
 * The key function (IMMUTABLE: it reads only its argument; PostgreSQL 13's syntax and functions).
 * Lower case is ASCII's (COLLATE "C"), which is all the case keyed text has; NFKC composes jamo
 * into syllables as tokenize.ts does.
 * COST tells the planner that computing it row by row is dear, so that it reads the index instead.
 */
export const SEARCH_KEYS_FUNCTION_SQL = `
  CREATE FUNCTION parley_search_keys(body text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000
    AS $$ SELECT CASE WHEN body ~ '[^${pgClass(KEYED_CHARACTERS)}]' THEN ARRAY['${ANY_KEY}'] ELSE ARRAY(
      SELECT DISTINCT k.key
      FROM regexp_matches(normalize(lower(translate(body, U&'\\FE0E\\FE0F', '') COLLATE "C"), NFKC),
          '[a-z0-9]+|[${pgClass(CJK_RANGES)}]+', 'g') AS m(run),
        LATERAL (SELECT m.run[1] AS word, length(m.run[1]) AS n, m.run[1] ~ '^[a-z0-9]' AS latin) AS w,
        LATERAL (
          SELECT left(w.word, p) FROM unnest('{${LATIN_PREFIXES.join(',')}}'::int[]) AS p WHERE w.latin AND p <= w.n
          UNION ALL SELECT substr(w.word, i, 2) FROM generate_series(1, w.n) AS i WHERE NOT w.latin
          UNION ALL SELECT substr(w.word, i, 1) FROM generate_series(1, w.n) AS i WHERE NOT w.latin
        ) AS k(key))
    END $$`;

/**
 * The indexed expression, on events (`alias` "e." or ""): a live message's keys, null for any other
 * row. Not a partial index: the planner ignores the statistics of a partial index's expression,
 * and needs them to tell a key of a hundred messages from one of a hundred thousand. A message
 * without a search_id is the old version of a row the migration numbered (still there when it
 * builds the index): left out, not indexed twice.
 */
export function keysOf(alias: string): string {
  return `parley_search_keys(CASE WHEN ${alias}kind = 'message' AND ${alias}deleted = 0 AND ${alias}search_id IS NOT NULL THEN ${alias}body END)`;
}

/**
 * The keys a message must hold to match the clauses (its keys hold all of them, or ANY_KEY): each
 * bigram of a phrase, a single CJK character, the longest keyed prefix of a word.
 */
export function searchKeys(clauses: readonly SearchClause[]): string[] {
  const keys = new Set<string>();
  for (const clause of clauses) {
    if ('phrase' in clause) {
      for (const bigram of clause.phrase) keys.add(bigram);
    } else if (isCjk(clause.prefix)) {
      keys.add(clause.prefix);
    } else {
      const chars = Array.from(clause.prefix);
      const length = Math.max(...LATIN_PREFIXES.filter((n) => n <= chars.length));
      keys.add(chars.slice(0, length).join(''));
    }
  }
  return [...keys];
}
