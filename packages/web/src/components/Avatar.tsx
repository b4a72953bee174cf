/** A person's initials on a colour derived from their id, so a name change keeps the colour. */
const HUES = [8, 28, 45, 95, 150, 175, 200, 220, 250, 275, 300, 330];

export function hueFor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return HUES[Math.abs(hash) % HUES.length]!;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = [...(words[0] ?? '?')][0] ?? '?';
  const second = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + second).toUpperCase();
}

export function Avatar({ id, name, size = 36, online }: { id: string; name: string; size?: number; online?: boolean }) {
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.4, ['--hue' as string]: hueFor(id) }} aria-hidden="true">
      {initials(name)}
      {online !== undefined && <span className={online ? 'presence-dot online' : 'presence-dot'} />}
    </span>
  );
}
