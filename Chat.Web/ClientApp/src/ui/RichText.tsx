// Message text as text: React escapes it, so content can never become markup. Web addresses in
// it become links that open in a new tab without handing it this page (noopener noreferrer).

const link = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

export function RichText({ text }: { text: string }) {
  const parts: (string | { href: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(link)) {
    parts.push(text.slice(last, match.index), { href: match[0] });
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return (
    <>
      {parts.map((part, i) => typeof part === 'string'
        ? part
        : <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">{part.href}</a>)}
    </>
  );
}
