/**
 * Reads a page's preview from its HTML: Open Graph (`og:title`, `og:description`,
 * `og:site_name`, `og:image`), else Twitter cards, else `<title>` and `<meta name=description>`.
 * htmlparser2 reads the (size-limited) text as it comes; it stops at `<body>`, where no such
 * tag may be. Texts come out plain (entities decoded, whitespace folded) and cut to their limits.
 */
import { Parser } from 'htmlparser2';

export const PREVIEW_LIMITS = { titleMax: 200, descriptionMax: 400, siteNameMax: 100 } as const;

export interface PagePreview {
  title?: string;
  description?: string;
  siteName?: string;
  /** Absolute http(s) URL of the page's image, as the page names it. */
  imageUrl?: string;
}

function clean(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  // Control and format characters out, whitespace folded, no lone surrogate left by the cut.
  let folded = text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim();
  if (folded.length > max) folded = `${folded.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`;
  folded = folded.replace(/\p{Cs}/gu, '');
  return folded === '' ? undefined : folded;
}

export function extractPreview(html: string, pageUrl: string): PagePreview {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (done) return;
        if (name === 'body') {
          done = true;
          parser.pause();
          return;
        }
        if (name === 'title') inTitle = true;
        if (name === 'meta') {
          const key = (attributes.property ?? attributes.name ?? '').toLowerCase();
          if (key !== '' && attributes.content !== undefined && !meta.has(key)) meta.set(key, attributes.content);
        }
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (name === 'head') done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const preview: PagePreview = {};
  const t = clean(meta.get('og:title') ?? meta.get('twitter:title') ?? (title || undefined), PREVIEW_LIMITS.titleMax);
  const d = clean(meta.get('og:description') ?? meta.get('twitter:description') ?? meta.get('description'), PREVIEW_LIMITS.descriptionMax);
  const s = clean(meta.get('og:site_name'), PREVIEW_LIMITS.siteNameMax);
  if (t) preview.title = t;
  if (d) preview.description = d;
  if (s) preview.siteName = s;
  const image = meta.get('og:image') ?? meta.get('og:image:url') ?? meta.get('twitter:image');
  if (image) {
    try {
      const url = new URL(image, pageUrl);
      if (url.protocol === 'http:' || url.protocol === 'https:') preview.imageUrl = url.href;
    } catch {
      // Not a URL: no image.
    }
  }
  return preview;
}
