import { initials } from './format';

interface Props {
  name: string;
  url: string | null;
  online?: boolean;
  size?: 'small' | 'large';
}

/** A picture or initials, with a green dot when online. Decorative: the name is always shown beside it. */
export function Avatar({ name, url, online, size = 'small' }: Props) {
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true">
      {url ? <img src={url} alt="" /> : <span className="avatar-initials" style={{ background: colorFor(name) }}>{initials(name)}</span>}
      {online && <span className="presence-dot" data-testid="online-dot" />}
    </span>
  );
}

function colorFor(name: string) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 50% 30%)`; // dark enough for white initials on every hue
}
