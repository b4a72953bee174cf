/**
 * A message's files: images as thumbnails (a click opens the full image), other
 * files as a card with name, size, type and a download link. Names are text,
 * never markup. In a room previewed before joining, files cannot be opened (the
 * server serves them to members only), so they show as cards without links.
 */
import { useState } from 'react';
import type { Attachment } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';
import { formatSize, typeLabel } from '../files/size.js';
import { Lightbox } from './Lightbox.js';

/** Thumbnails are shown at most this large (CSS pixels). */
const SHOWN_MAX = 240;

export function Attachments({ files, readOnly }: { files: readonly Attachment[]; readOnly: boolean }) {
  const { m, locale } = useI18n();
  const [open, setOpen] = useState<Attachment | null>(null);
  if (files.length === 0) return null;
  return (
    <div className="attachments">
      {files.map((file) => {
        if (file.thumbnailUrl && file.width && file.height && !readOnly) {
          const scale = Math.min(1, SHOWN_MAX / Math.max(file.width, file.height));
          return (
            <button key={file.id} type="button" className="attachment-image" aria-label={m.openImage(file.name)} onClick={() => setOpen(file)}>
              <img src={file.thumbnailUrl} alt={file.name} width={Math.round(file.width * scale)} height={Math.round(file.height * scale)} loading="lazy" />
            </button>
          );
        }
        return (
          <div key={file.id} className="attachment-card" data-testid="file-card">
            <Icon name="file" size={28} className="attachment-icon" />
            <div className="attachment-text">
              <span className="attachment-name" title={file.name}>
                {file.name}
              </span>
              <span className="attachment-meta">
                {formatSize(file.size, locale)} · {typeLabel(file.contentType, file.name)}
              </span>
            </div>
            {readOnly ? (
              <span className="attachment-locked">{m.joinToOpenFiles}</span>
            ) : (
              <a className="icon-button" href={`${file.url}?download`} download={file.name} aria-label={`${m.download} ${file.name}`} title={m.download}>
                <Icon name="download" />
              </a>
            )}
          </div>
        );
      })}
      {open && <Lightbox image={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
