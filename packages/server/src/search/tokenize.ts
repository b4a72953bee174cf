/**
 * The text of a message as the search index holds it, and a query as both stores match it:
 * the one tokenizer of search, shared by SQLite (FTS5) and PostgreSQL (tsvector).
 *
 * Text is normalized (NFKC, lower case, combining marks removed) and cut into words of letters
 * and digits. Within a word, a run of CJK characters (Hangul, Han, kana) is indexed as its
 * overlapping character bigrams followed by its last character alone ("정보검색" → 정보 보검 검색
 * 색), because Korean, Chinese and Japanese words run together: a two-syllable word inside a
 * compound (검색 in 정보검색) is then a token, and every character begins a token. Any other run
 * (Latin, digits …) is one token.
 *
 * A query term matches as follows, so that Korean matches exactly what `LIKE '%term%'` finds:
 * - a CJK run of two or more characters: the phrase of its bigrams (consecutive tokens), which
 *   are found only inside one run of the text (the trailing single character separates runs);
 * - a single CJK character: any token starting with it (every character of a run begins one);
 * - any other run: any token starting with it (a word prefix: "deploy" finds "deployment").
 * Every term of a query must match (AND).
 */

/** A clause of a query: the tokens must occur consecutively (`phrase`), or a token must start with `prefix`. */
export type SearchClause = { phrase: string[] } | { prefix: string };

const CJK = /[\p{Script_Extensions=Hangul}\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]/u;
const WORD = /[\p{L}\p{N}]+/gu;
const RUN = /[\p{Script_Extensions=Hangul}\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]+|[^\p{Script_Extensions=Hangul}\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]+/gu;
const MARKS = /\p{M}/gu;

/**
 * Longest token, in code points: a longer run that is not CJK is cut to it, in the text and in a query alike (a
 * PostgreSQL lexeme holds at most 2,046 bytes).
 */
export const TOKEN_MAX_CHARS = 64;

/** Longest query the stores take, in characters; and most clauses one query makes. */
export const QUERY_MAX_CHARS = 200;
export const QUERY_MAX_CLAUSES = 16;

/** The normalized form text is matched in. */
export function normalize(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').normalize('NFKC').toLowerCase();
}

/** Runs of a normalized text: CJK runs and other runs of letters and digits, in order. */
function runs(text: string): string[] {
  const out: string[] = [];
  for (const word of normalize(text).match(WORD) ?? []) {
    for (const run of word.match(RUN) ?? []) {
      out.push(run.length > TOKEN_MAX_CHARS && !isCjk(run) ? Array.from(run).slice(0, TOKEN_MAX_CHARS).join('') : run);
    }
  }
  return out;
}

/** Whether the run is a CJK run (its first character is Hangul, Han or kana). */
export function isCjk(run: string): boolean {
  return CJK.test(run);
}

/** The tokens of a message's text, in order, as the index stores them. */
export function indexTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const run of runs(text)) {
    if (!isCjk(run)) {
      tokens.push(run);
      continue;
    }
    const chars = Array.from(run);
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
    tokens.push(chars.at(-1)!);
  }
  return tokens;
}

/** The text a store indexes: the tokens separated by spaces. */
export function indexText(text: string): string {
  return indexTokens(text).join(' ');
}

/** The clauses of a query (all must match); empty when it has no letter or digit. */
export function parseQuery(query: string): SearchClause[] {
  const clauses: SearchClause[] = [];
  const seen = new Set<string>();
  for (const run of runs(query.slice(0, QUERY_MAX_CHARS))) {
    if (seen.has(run)) continue;
    seen.add(run);
    const chars = Array.from(run);
    if (!isCjk(run) || chars.length === 1) clauses.push({ prefix: run });
    else clauses.push({ phrase: chars.slice(0, -1).map((c, i) => c + chars[i + 1]!) });
    if (clauses.length === QUERY_MAX_CLAUSES) break;
  }
  return clauses;
}

/**
 * Whether a message's text matches every clause, by the rules above: the match itself, for a
 * store whose index only narrows the messages down (search-postgres.ts).
 */
export function matchesClauses(text: string, clauses: readonly SearchClause[]): boolean {
  const tokens = indexTokens(text);
  return clauses.every((clause) => ('prefix' in clause ? tokens.some((token) => token.startsWith(clause.prefix)) : hasPhrase(tokens, clause.phrase)));
}

function hasPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    if (phrase.every((token, j) => tokens[i + j] === token)) return true;
  }
  return false;
}

/**
 * Where a message's text matches the query, as [start, end) UTF-16 offsets into `body`, in
 * order and not overlapping: each CJK term wherever it occurs, each other term at the start of
 * a word. For highlighting; matching itself is the store's.
 */
export function highlightRanges(body: string, query: string): Array<[number, number]> {
  const terms = [...new Set(runs(query.slice(0, QUERY_MAX_CHARS)))];
  if (terms.length === 0) return [];
  // Normalized character by character, so that offsets map back to `body`.
  const chars: Array<{ text: string; start: number; end: number }> = [];
  let offset = 0;
  for (const ch of body) {
    chars.push({ text: normalize(ch), start: offset, end: offset + ch.length });
    offset += ch.length;
  }
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < chars.length; ) {
    let matched = 0;
    for (const term of terms) {
      if (!isCjk(term) && i > 0 && /[\p{L}\p{N}]/u.test(chars[i - 1]!.text) && !isCjk(chars[i - 1]!.text)) continue;
      let text = '';
      let j = i;
      while (j < chars.length && text.length < term.length) text += chars[j++]!.text;
      if (text === term || (text.startsWith(term) && j - i === 1)) matched = Math.max(matched, j - i);
    }
    if (matched > 0) {
      const start = chars[i]!.start;
      const end = chars[i + matched - 1]!.end;
      const last = ranges.at(-1);
      if (last && last[1] === start) last[1] = end;
      else ranges.push([start, end]);
      i += matched;
    } else {
      i++;
    }
  }
  return ranges;
}
