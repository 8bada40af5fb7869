// The only route state is the open lab, kept in the URL hash (#/lab/3) so that a reload, the
// back button and a bookmark all land on the same page.
export function labIdFromHash(hash: string): number | null {
  const m = /^#\/lab\/(\d+)$/.exec(hash);
  return m ? Number(m[1]) : null;
}

export function hashForLab(labId: number | null): string {
  return labId === null ? '#/' : `#/lab/${labId}`;
}
