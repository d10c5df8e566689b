import { describe, expect, it } from 'vitest';
import { linkParts } from './links';

describe('linkParts', () => {
  it('keeps text without addresses as one run', () => {
    expect(linkParts('just words <b>and markup</b>')).toEqual(['just words <b>and markup</b>']);
  });

  it('cuts out http and https addresses, leaving sentence punctuation outside', () => {
    expect(linkParts('see https://example.com/a?b=1, then http://x.org/y.')).toEqual([
      'see ', { href: 'https://example.com/a?b=1' }, ', then ', { href: 'http://x.org/y' }, '.',
    ]);
  });

  it('never links other schemes', () => {
    expect(linkParts('javascript:alert(1) data:text/html,x')).toEqual(['javascript:alert(1) data:text/html,x']);
  });

  it('stops an address at quotes and angle brackets', () => {
    expect(linkParts('"https://a.b/c"><img>')).toEqual(['"', { href: 'https://a.b/c' }, '"><img>']);
  });
});
