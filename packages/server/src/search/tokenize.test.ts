import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { highlightRanges, indexText, indexTokens, matchesClauses, parseQuery, TOKEN_MAX_CHARS } from './tokenize.js';

describe('search tokenizer', () => {
  it('indexes CJK runs as bigrams and their last character, other runs as words', () => {
    assert.deepEqual(indexTokens('정보검색 시스템'), ['정보', '보검', '검색', '색', '시스', '스템', '템']);
    assert.deepEqual(indexTokens('서'), ['서']);
    assert.deepEqual(indexTokens('The Deployment, v2.0!'), ['the', 'deployment', 'v2', '0']);
    // A word mixing scripts is cut into runs.
    assert.deepEqual(indexTokens('API서버로'), ['api', '서버', '버로', '로']);
    assert.deepEqual(indexTokens('東京タワー'), ['東京', '京タ', 'タワ', 'ワー', 'ー']);
    // Accents and compatibility forms are folded; emoji and punctuation are not indexed.
    assert.equal(indexText('Café ＡＢＣ 👍 ...'), 'cafe abc');
    // Decomposed Hangul (NFD) indexes as composed.
    assert.deepEqual(indexTokens('검색'.normalize('NFD')), ['검색', '색']);
  });

  it('cuts long words but never a CJK run', () => {
    assert.equal(indexTokens('a'.repeat(500))[0]!.length, TOKEN_MAX_CHARS);
    assert.equal(indexTokens('가'.repeat(500)).length, 500);
  });

  it('turns a query into phrases of bigrams and prefixes', () => {
    assert.deepEqual(parseQuery('정보검색'), [{ phrase: ['정보', '보검', '검색'] }]);
    assert.deepEqual(parseQuery('검색'), [{ phrase: ['검색'] }]);
    assert.deepEqual(parseQuery('검'), [{ prefix: '검' }]);
    assert.deepEqual(parseQuery('Deploy 서울 deploy'), [{ prefix: 'deploy' }, { phrase: ['서울'] }]);
    assert.deepEqual(parseQuery('"?!'), []);
  });

  it('highlights CJK anywhere and other words at their start, in the original text', () => {
    const body = '정보검색 is Deployed; redeploy 검색!';
    const marked = (ranges: Array<[number, number]>) => ranges.map(([a, b]) => body.slice(a, b));
    assert.deepEqual(marked(highlightRanges(body, '검색 deploy')), ['검색', 'Deploy', '검색']);
    assert.deepEqual(marked(highlightRanges(body, '정보검색')), ['정보검색']);
    assert.deepEqual(highlightRanges(body, '...'), []);
    // Offsets stay right after characters outside the BMP.
    const emoji = '👍👍 검색';
    assert.deepEqual(highlightRanges(emoji, '검'), [[5, 6]]);
  });

  it('matches a text as the stores do: phrases of bigrams in one run, words by their start, every clause', () => {
    const text = '정보검색 시스템을 The Deployment';
    for (const query of ['검색', '정보검색', '검', '색', 'deploy', 'DEPLOYMENT', '시스템을 the']) assert.ok(matchesClauses(text, parseQuery(query)), query);
    for (const query of ['검색시', 'ploy', '정보 ploy', '색시']) assert.ok(!matchesClauses(text, parseQuery(query)), query);
    assert.ok(matchesClauses('ㅋㅋ Café', parseQuery('ㅋㅋ cafe')));
  });
});
