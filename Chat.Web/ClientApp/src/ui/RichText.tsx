// Message text as text: React escapes it, so content can never become markup. Web addresses in
// it become links that open in a new tab without handing it this page (noopener noreferrer).

// In a group, the "@Name" of each mentioned member is highlighted.

import { linkParts } from './links';
import { mentionParts } from './mentions';

export function RichText({ text, mentions = [] }: { text: string; mentions?: string[] }) {
  return (
    <>
      {linkParts(text).map((part, i) => typeof part === 'string'
        ? mentionParts(part, mentions).map((p, j) => (p.mention ? <mark key={`${i}-${j}`} className="mention">{p.text}</mark> : p.text))
        : <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">{part.href}</a>)}
    </>
  );
}
