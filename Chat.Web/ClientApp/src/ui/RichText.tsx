// Message text as text: React escapes it, so content can never become markup. Web addresses in
// it become links that open in a new tab without handing it this page (noopener noreferrer).

import { linkParts } from './links';

export function RichText({ text }: { text: string }) {
  return (
    <>
      {linkParts(text).map((part, i) => typeof part === 'string'
        ? part
        : <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">{part.href}</a>)}
    </>
  );
}
