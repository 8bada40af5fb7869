// Byte sizes as people write them in plans ("20G", "64k", "256MiB", "1GB") and as the tools
// want them. Suffixes follow GNU dd, which the paper used: a bare letter or "iB" is a power
// of 1024 (64k = 65536), a letter followed by "B" is a power of 1000 (1GB = 10^9 bytes).

const LETTERS = ['k', 'm', 'g', 't', 'p'] as const;
const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kKmMgGtTpP])(iB|B)?)?$/;
const MAX_BYTES = Number.MAX_SAFE_INTEGER;

/** Bytes from a number of bytes or a size string; a string explaining the problem otherwise. */
export function parseSize(value: number | string): number | string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value <= 0) return `must be a positive whole number of bytes or a size like "20G" or "64k" (got ${value})`;
    return value;
  }
  const m = SIZE.exec(value.trim());
  if (!m?.[1]) return `must be a size like "20G", "256M", "64k" (powers of 1024), "1GB" (powers of 1000) or a number of bytes (got ${JSON.stringify(value)})`;
  const letter = m[2]?.toLowerCase() as (typeof LETTERS)[number] | undefined;
  const base = m[3] === 'B' ? 1000 : 1024;
  const power = letter === undefined ? 0 : LETTERS.indexOf(letter) + 1;
  const bytes = Number(m[1]) * base ** power;
  if (!Number.isSafeInteger(bytes)) {
    return bytes > MAX_BYTES ? `is too large (got ${JSON.stringify(value)})` : `must come to a whole number of bytes (${JSON.stringify(value)} is ${bytes})`;
  }
  if (bytes <= 0) return `must be more than 0 bytes (got ${JSON.stringify(value)})`;
  return bytes;
}

/**
 * The shortest exact form the tools read as powers of 1024: 65536 → "64k", 2^30 → "1G".
 * GNU dd, busybox dd and fio (kb_base=1024, its default) all take these suffixes.
 */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [2 ** 40, 'T'],
    [2 ** 30, 'G'],
    [2 ** 20, 'M'],
    [2 ** 10, 'k'],
  ];
  for (const [size, suffix] of units) if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`;
  return String(bytes);
}
