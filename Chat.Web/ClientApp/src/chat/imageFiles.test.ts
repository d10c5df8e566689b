import { describe, expect, it } from 'vitest';
import type { Limits } from '../api/types';
import { imageFileError } from './imageFiles';

const limits: Limits = {
  maxMessageTextLength: 4000, maxImageBytes: 1024, imageContentTypes: ['image/jpeg', 'image/png'],
  maxFullNameLength: 60, minPasswordLength: 8, maxPasswordLength: 128, maxGroupMembers: 256, maxGroupNameLength: 80,
};

const file = (type: string, size: number) => new File([new Uint8Array(size)], 'x', { type });

describe('an image file picked to send', () => {
  it('passes within the server\'s limits', () => {
    expect(imageFileError(file('image/png', 1024), limits)).toBeNull();
  });

  it('is refused before upload when the server would refuse it: too big, or not an accepted type', () => {
    expect(imageFileError(file('image/png', 1025), limits)).toMatch(/limited to/);
    expect(imageFileError(file('image/svg+xml', 10), limits)).toMatch(/Only JPEG/);
  });
});
