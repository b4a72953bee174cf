/**
 * The preview of a message's first link (§29.6): the site, the title as a link, the
 * description and the image. The image is a `data:` URL the server made: showing it fetches
 * nothing from the linked site. Texts are text, never markup.
 */
import type { LinkPreview } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';

export function LinkPreviewCard({ preview }: { preview: LinkPreview }) {
  const { m } = useI18n();
  const host = (() => {
    try {
      return new URL(preview.url).host;
    } catch {
      return preview.url;
    }
  })();
  return (
    <aside className="link-preview" aria-label={m.linkPreviewLabel(host)}>
      <div className="link-preview-text">
        <span className="link-preview-site">{preview.siteName ?? host}</span>
        <a className="link-preview-title" href={preview.url} target="_blank" rel="noopener noreferrer nofollow">
          {preview.title ?? preview.url}
        </a>
        {preview.description && <p className="link-preview-description">{preview.description}</p>}
      </div>
      {preview.image?.startsWith('data:image/') && <img className="link-preview-image" src={preview.image} alt="" />}
    </aside>
  );
}
