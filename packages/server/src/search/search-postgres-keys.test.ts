import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { CJK_RANGES, KEYED_CHARACTERS, searchKeys, ANY_KEY } from './search-postgres-keys.js';
import { message, seeded } from './bench-corpus.js';
import { indexTokens, isCjk, matchesClauses, normalize, parseQuery } from './tokenize.js';
import { runMigrations } from '../store/postgres/migrations.js';
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from '../testing/postgres.js';

const LETTER_DIGIT_MARK = /[\p{L}\p{N}\p{M}]/u;
const inRanges = (ranges: ReadonlyArray<readonly [number, number]>, cp: number) => ranges.some(([from, to]) => cp >= from && cp <= to);

describe('search keys: the characters keyed in SQL', () => {
  it('every keyed character beyond ASCII and Hangul only separates words, in every normal form', () => {
    for (const [from, to] of KEYED_CHARACTERS) {
      for (let cp = from; cp <= to; cp++) {
        if (cp <= 0x7f || inRanges(CJK_RANGES, cp) || (cp >= 0x3131 && cp <= 0x318e) || cp === 0xfe0e || cp === 0xfe0f) continue;
        const ch = String.fromCodePoint(cp);
        assert.ok(!/\p{Cn}/u.test(ch), `U+${cp.toString(16)} is assigned`);
        for (const form of [ch, ch.normalize('NFKD'), ch.normalize('NFKC')]) {
          assert.ok(!LETTER_DIGIT_MARK.test(form), `U+${cp.toString(16)} normalizes to no letter, digit or mark`);
        }
      }
    }
  });

  it('keyed Hangul and Han normalize to themselves, syllables or jamo, all CJK; the variation selectors are marks', () => {
    for (const [from, to] of [...CJK_RANGES, [0x3131, 0x318e] as const]) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        assert.ok(!/[\p{Cn}\p{M}]/u.test(ch.normalize('NFKD')), `U+${cp.toString(16)} decomposes to no mark`);
        assert.ok(/^\p{L}+$/u.test(normalize(ch)) && isCjk(normalize(ch)), `U+${cp.toString(16)} is a CJK letter`);
        for (const out of normalize(ch)) assert.ok(inRanges(CJK_RANGES, out.codePointAt(0)!), `U+${cp.toString(16)}`);
      }
    }
    assert.equal(normalize('a\uFE0Fb\uFE0E'), 'ab');
  });

  it('a query word uses its longest keyed prefix; Korean its bigrams or its character', () => {
    assert.deepEqual(searchKeys(parseQuery('deploy 정보검색 서 on a')), ['deplo', '정보', '보검', '검색', '서', 'on', 'a']);
    assert.deepEqual(searchKeys(parseQuery('data')), ['dat']);
  });
});

const skip = await skipWithoutPostgres();

describe('search keys: parley_search_keys never misses a match', { skip }, () => {
  let database: TestDatabase;
  let client: pg.Client;
  before(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await runMigrations(client);
  });
  after(async () => {
    await client.end();
    await database.drop();
  });

  const keysOf = async (texts: string[]) =>
    (await client.query<{ keys: string[] }>(`SELECT parley_search_keys(t) AS keys FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i`, [texts])).rows.map((r) => r.keys);

  it('for every query its text matches, the text holds the query\'s keys (or is a candidate for all)', async () => {
    const random = seeded(7);
    const texts = [
      ...Array.from({ length: 300 }, () => message(random)),
      'ＤＥＰＬＯＹ ｄｅｐｌｏｙｍｅｎｔ', '검색'.normalize('NFD'), 'ㅋㅋㅋ ㄱㅏ 웃겨요ㅠㅠ', '❤️ 배포 완료 🚀 done…', 'API서버로 “quote” — dash',
      'Café naïve 東京タワー', '東京 中文搜索 한漢', 'x\u0301y', 'ß straße', 'ＡＢＣ１２３', 'a\u00a0b', 'Ⅻ ① ㈜',
    ];
    const keys = await keysOf(texts);
    let checked = 0;
    texts.forEach((text, i) => {
      const own = new Set(keys[i]);
      // Queries: each token of the text, its prefixes, and each pair of neighbouring runs.
      const queries = new Set<string>();
      for (const token of indexTokens(text)) {
        const chars = Array.from(token);
        for (let n = 1; n <= chars.length; n++) queries.add(chars.slice(0, n).join(''));
      }
      const words = normalize(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      for (const word of words) {
        const chars = Array.from(word);
        for (let a = 0; a < chars.length; a++) for (let b = a + 1; b <= Math.min(chars.length, a + 5); b++) queries.add(chars.slice(a, b).join(''));
      }
      for (const query of queries) {
        const clauses = parseQuery(query);
        if (clauses.length === 0 || !matchesClauses(text, clauses)) continue;
        checked++;
        if (own.has(ANY_KEY)) continue;
        for (const key of searchKeys(clauses)) assert.ok(own.has(key), `${JSON.stringify(text)} matches ${JSON.stringify(query)} but has no key ${JSON.stringify(key)}`);
      }
    });
    assert.ok(checked > 5000, `${checked} matches checked`);
  });

  it('keys text of ASCII, Hangul, Han, punctuation and emoji; any other letter makes a candidate for every query', async () => {
    const [plain, emoji, accented, kana, han] = await keysOf(['Deploy 서버', '❤️ 👍🏽 ok — “fine”…', 'café', 'タワー', '東京']);
    assert.deepEqual(new Set(plain), new Set(['d', 'de', 'dep', 'deplo', '서', '버', '서버']));
    assert.deepEqual(new Set(emoji), new Set(['o', 'ok', 'f', 'fi', 'fin']));
    assert.deepEqual(accented, [ANY_KEY]);
    assert.deepEqual(kana, [ANY_KEY]);
    assert.deepEqual(new Set(han), new Set(['東', '京', '東京']));
  });
});
