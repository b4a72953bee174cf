/** An image at full size over the page: Escape, the close button or a click outside it closes it. */
import { useEffect, useRef } from 'react';
import type { Attachment } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';

export function Lightbox({ image, onClose }: { image: Attachment; onClose(): void }) {
  const { m } = useI18n();
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    closeButton.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus();
    };
  }, [onClose]);
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={m.imageViewer(image.name)} onClick={onClose}>
      <div className="lightbox-bar" onClick={(event) => event.stopPropagation()}>
        <span className="lightbox-name">{image.name}</span>
        <a className="icon-button" href={`${image.url}?download`} download={image.name} aria-label={m.download} title={m.download}>
          <Icon name="download" />
        </a>
        <button ref={closeButton} type="button" className="icon-button" aria-label={m.close} title={m.close} onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      <img className="lightbox-image" src={image.url} alt={image.name} width={image.width} height={image.height} onClick={(event) => event.stopPropagation()} />
    </div>
  );
}
