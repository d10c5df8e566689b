import type { Limits } from '../api/types';

/** Why the server would refuse this file as an image (checked before uploading), or null. */
export function imageFileError(file: File, limits: Limits): string | null {
  if (!limits.imageContentTypes.includes(file.type)) return 'Only JPEG, PNG, WebP and GIF images can be sent.';
  if (file.size > limits.maxImageBytes) return `Images are limited to ${Math.floor(limits.maxImageBytes / (1024 * 1024))} MB.`;
  return null;
}
