// Number formatting and file downloads shared by the report views.

/** Three significant digits, no exponent for lab-sized numbers: 1.3, 71.5, 110, 1024. */
export function fmt(v: number | string | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 10 ** digits) return String(Math.round(v));
  return String(Number(v.toPrecision(digits)));
}

export function fmtPct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${fmt(v)}%`;
}

export function fmtCi(ci: [number, number] | null): string {
  return ci ? `${fmt(ci[0])}, ${fmt(ci[1])}` : '';
}

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Chromium reads the blob when the click is handled; revoke on the next task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function downloadText(text: string, fileName: string, mime: string): void {
  save(new Blob([text], { type: `${mime};charset=utf-8` }), fileName);
}

export function downloadBase64(base64: string, fileName: string, mime: string): void {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  save(new Blob([bytes], { type: mime }), fileName);
}

export async function fileToBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}
