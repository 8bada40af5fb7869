// Splits the probe's stdout into its sections (the marker protocol is described in
// ./script.ts). Knows nothing about what a section means.

export interface ProbeSection {
  name: string;
  lines: string[];
  /** Texts of the section's @@IOVLAB:error:...@@ lines: what the node could not tell. */
  errors: string[];
}

export interface SplitProbeOutput {
  formatVersion: number | null;
  sections: Map<string, ProbeSection>;
  /** The end marker was seen: the script ran to its end and nothing was cut off. */
  ended: boolean;
  /** Problems of the framing itself (duplicate or malformed markers). */
  problems: string[];
}

const MARKER = /^@@IOVLAB:([a-z]+)(?::(.*))?@@$/;
const SECTION_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Returns null when the output holds no marker at all (a banner, a shell error, nothing). */
export function splitProbeOutput(stdout: string): SplitProbeOutput | null {
  const out: SplitProbeOutput = { formatVersion: null, sections: new Map(), ended: false, problems: [] };
  let current: ProbeSection | null = null;
  let sawMarker = false;
  for (const rawLine of stdout.split('\n')) {
    // A pty on the remote side turns \n into \r\n.
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const m = MARKER.exec(line);
    if (!m) {
      // Lines before the first section are a login banner or motd: not ours.
      if (current && !out.ended) current.lines.push(line);
      continue;
    }
    sawMarker = true;
    const kind = m[1];
    const arg = m[2] ?? '';
    if (kind === 'probe') {
      const n = Number(arg);
      if (Number.isInteger(n) && n > 0) out.formatVersion = n;
      else out.problems.push(`probe header has no valid format version: "${arg}"`);
    } else if (kind === 'section') {
      if (!SECTION_NAME.test(arg)) {
        out.problems.push(`malformed section marker: "${line.slice(0, 80)}"`);
        current = null;
      } else if (out.sections.has(arg)) {
        out.problems.push(`section ${arg} appears twice; the first one counts`);
        current = null;
      } else {
        current = { name: arg, lines: [], errors: [] };
        out.sections.set(arg, current);
      }
    } else if (kind === 'error') {
      if (current) current.errors.push(arg);
      else out.problems.push(`error outside any section: ${arg}`);
    } else if (kind === 'end') {
      out.ended = true;
      current = null;
    } else {
      out.problems.push(`unknown marker kind "${kind}"`);
    }
  }
  if (!sawMarker) return null;
  // Trailing blank lines carry nothing (one is an artefact of split() after the last newline).
  for (const s of out.sections.values()) {
    while (s.lines.at(-1) === '') s.lines.pop();
  }
  return out;
}

/** Splits `key=value` header lines (path=, exit=, ...) off the front of a section. */
export function takeHeader(lines: string[], keys: readonly string[]): { header: Map<string, string>; rest: string[] } {
  const header = new Map<string, string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq) : '';
    if (!keys.includes(key) || header.has(key)) break;
    header.set(key, line.slice(eq + 1));
  }
  return { header, rest: lines.slice(i) };
}

/** Parses `key=value` lines into a map; other lines are returned as not understood. */
export function keyValues(lines: string[]): { values: Map<string, string>; odd: string[] } {
  const values = new Map<string, string>();
  const odd: string[] = [];
  for (const line of lines) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) values.set(m[1], m[2]);
    else if (line.trim() !== '') odd.push(line);
  }
  return { values, odd };
}
