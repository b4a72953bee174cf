/** `1.2 MB`, `340 KB`, `12 B`, in the reader's locale. */
export function formatSize(bytes: number, locale: string): string {
  const number = (value: number, digits: number) => value.toLocaleString(locale, { maximumFractionDigits: digits });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024, 0)} KB`;
  return `${number(bytes / 1_048_576, 1)} MB`;
}

/** A short label of a MIME type: `PDF`, `PNG`, `ZIP`; `FILE` when there is nothing better. */
export function typeLabel(contentType: string, name: string): string {
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1];
  if (extension) return extension.toUpperCase();
  const sub = contentType.split('/')[1] ?? '';
  return sub && sub !== 'octet-stream' ? sub.toUpperCase().slice(0, 5) : 'FILE';
}
