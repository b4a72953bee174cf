import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESCAN_BYTES, charsetOf, decodePage } from './decode-page.js';

/** 안녕하세요 in EUC-KR. */
const HELLO_EUC_KR = [0xbe, 0xc8, 0xb3, 0xe7, 0xc7, 0xcf, 0xbc, 0xbc, 0xbf, 0xe4];
/** `Café – €5` in windows-1252: 0x96 and 0x80 are C1 controls in ISO-8859-1 and invalid in UTF-8. */
const CAFE_1252 = [0x43, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x80, 0x35];

function page(head: string, text: readonly number[]): Buffer {
  return Buffer.concat([Buffer.from(`<html><head>${head}<title>`, 'latin1'), Buffer.from(text), Buffer.from('</title></head></html>', 'latin1')]);
}
const titleOf = (html: string) => /<title>(.*)<\/title>/.exec(html)?.[1];

test('the Content-Type charset decides, whatever the page says', () => {
  assert.equal(titleOf(decodePage(page('', HELLO_EUC_KR), 'text/html; charset=EUC-KR')), '안녕하세요');
  assert.equal(titleOf(decodePage(page('', HELLO_EUC_KR), 'text/html;charset="ks_c_5601-1987"')), '안녕하세요');
  assert.equal(titleOf(decodePage(page('<meta charset="utf-8">', CAFE_1252), 'text/html; charset=windows-1252')), 'Café – €5');
});

test('without one, a <meta charset> or an http-equiv Content-Type in the first bytes decides', () => {
  assert.equal(titleOf(decodePage(page('<meta charset=euc-kr>', HELLO_EUC_KR), 'text/html')), '안녕하세요');
  assert.equal(titleOf(decodePage(page('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=euc-kr">', HELLO_EUC_KR), 'text/html')), '안녕하세요');
  assert.equal(titleOf(decodePage(page(`<meta content='text/html;charset=iso-8859-1' http-equiv='content-type'>`, CAFE_1252), 'text/html')), 'Café – €5');
});

test('a meta that only mentions a charset, a commented one, or one past the first bytes does not count', () => {
  const utf8Hello = [...Buffer.from('안녕하세요')];
  assert.equal(titleOf(decodePage(page('<meta name="description" content="text/html; charset=euc-kr">', utf8Hello), 'text/html')), '안녕하세요');
  assert.equal(titleOf(decodePage(page('<!-- <meta charset="euc-kr"> -->', utf8Hello), 'text/html')), '안녕하세요');
  const late = page(`<script>${' '.repeat(PRESCAN_BYTES)}</script><meta charset="euc-kr">`, utf8Hello);
  assert.equal(titleOf(decodePage(late, 'text/html')), '안녕하세요');
});

test('an unknown label counts as none, UTF-16 in a meta is read as UTF-8, and a byte order mark wins', () => {
  const utf8Hello = [...Buffer.from('안녕하세요')];
  assert.equal(titleOf(decodePage(page('<meta charset="euc-kr">', HELLO_EUC_KR), 'text/html; charset=no-such-thing')), '안녕하세요');
  assert.equal(titleOf(decodePage(page('<meta charset="no-such-thing">', utf8Hello), 'text/html')), '안녕하세요');
  assert.equal(titleOf(decodePage(page('<meta charset="utf-16le">', utf8Hello), 'text/html')), '안녕하세요');
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), page('', utf8Hello)]);
  assert.equal(titleOf(decodePage(bom, 'text/html; charset=euc-kr')), '안녕하세요');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<title>안녕하세요</title>', 'utf16le')]);
  assert.equal(titleOf(decodePage(utf16, 'text/html')), '안녕하세요');
});

test('charsetOf reads the parameter, quoted or not, and nothing else', () => {
  assert.equal(charsetOf('text/html; charset=Shift_JIS'), 'Shift_JIS');
  assert.equal(charsetOf('text/html;CHARSET="euc-kr"; foo=bar'), 'euc-kr');
  assert.equal(charsetOf('text/html'), null);
  assert.equal(charsetOf('text/html; charset='), null);
  assert.equal(charsetOf('text/html; xcharset=euc-kr'), null);
});

test('windows-1252 is decoded whole, its 0x80–0x9F bytes included (the labels latin1 and iso-8859-1 name it)', () => {
  const bytes = Uint8Array.from({ length: 0x20 }, (_, i) => 0x80 + i);
  const text = decodePage(Buffer.from(bytes), 'text/html; charset=latin1');
  assert.equal(text, '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
  assert.equal(decodePage(Buffer.from([0xa0, 0xe9, 0xff]), 'text/html; charset=windows-1252'), '\u00a0éÿ');
});
