/**
 * Draws a snapshot's front page (the same primitives the server draws into the PDF) into a 2D
 * canvas, and saves it as a PNG at print quality (A4, 300 dpi). Nothing is sent to the server but
 * the audit of the download.
 */
import { a4, frontPagePrimitives, type Primitive } from '../../server/domain/snapshots/drawing';
import type { SnapshotDocument } from '../../server/domain/snapshots/document';

/** A4 at 300 dpi: 2480 x 3508 pixels. */
export const printScale = 300 / 72;

export async function fontsReady(): Promise<void> {
  await Promise.all(['400 12px Marianne', '700 12px Marianne'].map((font) => document.fonts.load(font).catch(() => [])));
}

export function drawPrimitives(context: CanvasRenderingContext2D, primitives: readonly Primitive[], scale: number): void {
  context.lineJoin = 'round';
  for (const p of primitives) {
    context.save();
    if (p.type === 'text') {
      context.font = `${p.bold ? 700 : 400} ${p.size * scale}px Marianne, Arial, sans-serif`;
      context.fillStyle = p.colour;
      context.textBaseline = 'top';
      context.textAlign = p.align;
      context.fillText(p.text, p.x * scale, p.y * scale);
    } else {
      context.beginPath();
      if (p.type === 'rect') context.rect(p.x * scale, p.y * scale, p.w * scale, p.h * scale);
      else if (p.type === 'line') p.points.forEach(([x, y], i) => (i ? context.lineTo(x * scale, y * scale) : context.moveTo(x * scale, y * scale)));
      else for (const ring of p.rings) { ring.forEach(([x, y], i) => (i ? context.lineTo(x * scale, y * scale) : context.moveTo(x * scale, y * scale))); context.closePath(); }
      if (p.type !== 'line' && p.fill) { context.fillStyle = p.fill; context.fill('evenodd'); }
      const stroke = p.type === 'line' ? p.stroke : p.stroke;
      if (stroke) { context.strokeStyle = stroke; context.lineWidth = p.width * scale; context.stroke(); }
    }
    context.restore();
  }
}

/** Draws the front page at `scale` pixels per point on a white background. */
export function drawFrontPage(canvas: HTMLCanvasElement, snapshot: SnapshotDocument, scale: number): void {
  canvas.width = Math.round(a4.width * scale);
  canvas.height = Math.round(a4.height * scale);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  drawPrimitives(context, frontPagePrimitives(snapshot), scale);
}

/** The PNG bytes of the front page at 300 dpi. */
export async function frontPagePng(snapshot: SnapshotDocument): Promise<Blob> {
  await fontsReady();
  const canvas = document.createElement('canvas');
  drawFrontPage(canvas, snapshot, printScale);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG non produit'))), 'image/png'));
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
