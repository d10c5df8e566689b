import type { Limits } from '../api/types';

/** Why the server would refuse this file as an image (checked before uploading), or null. */
export function imageFileError(file: File, limits: Limits): string | null {
  if (!limits.imageContentTypes.includes(file.type)) return 'Only JPEG, PNG, WebP and GIF images can be sent.';
  if (file.size > limits.maxImageBytes) return `Images are limited to ${Math.floor(limits.maxImageBytes / (1024 * 1024))} MB.`;
  return null;
}

/** The longest side a photo travels at: a phone's 12 MP photo is resized in the browser first. */
export const maxImageSide = 2048;

/**
 * The image at most {@link maxImageSide} on its long side (JPEG and WebP re-encoded at 90 %,
 * PNG kept lossless), or the file itself when it is small enough, animated (GIF), or cannot be
 * decoded here (the server then says why).
 */
export async function shrinkImage(file: File): Promise<File> {
  if (file.type === 'image/gif' || typeof createImageBitmap !== 'function') return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file;
  }
  const scale = maxImageSide / Math.max(bitmap.width, bitmap.height);
  if (scale >= 1) {
    bitmap.close();
    return file;
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const type = file.type === 'image/png' ? 'image/png' : 'image/jpeg';
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, 0.9));
  if (!blob) return file;
  const name = file.name.replace(/\.[^.]+$/, '') + (type === 'image/png' ? '.png' : '.jpg');
  return new File([blob], name, { type });
}

/** The image files among what was pasted or dropped, in their order. */
export function imagesIn(files: FileList | File[] | null | undefined): File[] {
  return [...(files ?? [])].filter((f) => f.type.startsWith('image/'));
}
