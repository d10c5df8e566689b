import { useEffect, useRef } from 'react';
import type { Image } from '../api/types';

/** The full image in a modal dialog: Esc, the Close button or a click beside the image closes it. */
export function ImageViewer({ image, onClose }: { image: Image; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="viewer" aria-label="Image" onClose={onClose}
            onClick={(e) => e.target === dialog.current && dialog.current.close()}>
      <img src={image.url} width={image.width} height={image.height} alt="Full size" />
      <form method="dialog">
        <button type="submit" className="close" aria-label="Close the image">✕</button>
      </form>
    </dialog>
  );
}
