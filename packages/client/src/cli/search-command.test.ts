import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchResult } from '@parley/protocol';
import { highlightedExcerpt, parseSearchArgs } from './search-command.js';

function result(body: string, highlights: Array<[number, number]>): SearchResult {
  return { roomName: 'r', highlights, event: { kind: 'message', room: 'r', seq: 3, ts: 0, user: { id: 'u', name: 'U' }, id: 'client-0001', body } };
}

describe('/search', () => {
  it('takes an optional #ROOM before the text', () => {
    assert.deepEqual(parseSearchArgs('#design 검색 deploy'), { room: 'design', query: '검색 deploy' });
    assert.deepEqual(parseSearchArgs('  검색  '), { room: null, query: '검색' });
    assert.deepEqual(parseSearchArgs('#design'), { room: null, query: '#design' });
  });

  it('marks the matches, and cuts a long text around the first', () => {
    assert.equal(highlightedExcerpt(result('정보검색\n끝', [[2, 4]]), false), '정보»검색« 끝');
    const long = `${'x'.repeat(300)} deploy ${'y'.repeat(300)}`;
    const line = highlightedExcerpt(result(long, [[301, 307]]), false);
    assert.match(line, /^…x+ »deploy« y+…$/);
    assert.ok(line.length < 200);
  });
});
