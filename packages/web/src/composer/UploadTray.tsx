/** The files about to be sent: each with its progress and a cancel button, or its failure with retry. */
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';
import type { Upload } from '../files/useUploads.js';
import { formatSize } from '../files/size.js';
import { uploadErrorText } from '../files/upload-error.js';

export interface UploadTrayProps {
  uploads: readonly Upload[];
  maxFileBytes: number;
  onRemove(key: string): void;
  onRetry(key: string): void;
}

export function UploadTray({ uploads, maxFileBytes, onRemove, onRetry }: UploadTrayProps) {
  const { m, locale } = useI18n();
  if (uploads.length === 0) return null;
  return (
    <ul className="upload-tray" aria-label={m.attachFiles}>
      {uploads.map((upload) => {
        const { name, size } = upload.file;
        const percent = size > 0 ? Math.min(100, Math.floor((upload.sent / size) * 100)) : upload.state === 'done' ? 100 : 0;
        return (
          <li key={upload.key} className={`upload upload-${upload.state}`} data-testid="upload">
            <div className="upload-text">
              <span className="upload-name" title={name}>
                {name}
              </span>
              <span className="upload-meta">
                {upload.state === 'failed' ? (
                  <span role="alert">
                    {m.uploadFailed}: {uploadErrorText(upload.error, m, maxFileBytes, locale)}
                  </span>
                ) : (
                  formatSize(size, locale)
                )}
              </span>
              {upload.state !== 'failed' && (
                <progress
                  className="upload-progress"
                  max={100}
                  value={percent}
                  aria-label={m.uploading(name, percent)}
                />
              )}
            </div>
            {upload.state === 'failed' && (
              <button type="button" className="icon-button" aria-label={m.retryUpload(name)} title={m.retry} onClick={() => onRetry(upload.key)}>
                <Icon name="retry" size={16} />
              </button>
            )}
            <button
              type="button"
              className="icon-button"
              aria-label={upload.state === 'uploading' ? m.cancelUpload(name) : m.removeFile(name)}
              title={upload.state === 'uploading' ? m.cancelUpload(name) : m.removeFile(name)}
              onClick={() => onRemove(upload.key)}
            >
              <Icon name="close" size={16} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
