// A small mutable tree over fast-xml-parser's preserveOrder output, for editing documents a tool
// printed (virsh dumpxml) without disturbing what we do not touch: element order, whitespace
// text, comments and attribute order all survive a parse/build round trip. Only the quote style
// changes (the builder writes attributes in double quotes), and entities are re-escaped.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../result.js';

export interface XmlElement {
  kind: 'element';
  name: string;
  attrs: Record<string, string>;
  children: XmlChild[];
}
export interface XmlText {
  kind: 'text';
  text: string;
}
/** Comments, processing instructions and the declaration: carried through untouched. */
export interface XmlOpaque {
  kind: 'opaque';
  raw: Record<string, unknown>;
}
export type XmlChild = XmlElement | XmlText | XmlOpaque;

const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  commentPropName: '#comment',
  processEntities: true,
} as const;

const parser = new XMLParser(OPTIONS);
const builder = new XMLBuilder({ ...OPTIONS, format: false, suppressEmptyNode: true });

type Raw = Record<string, unknown>;

function fromRaw(items: unknown): XmlChild[] {
  if (!Array.isArray(items)) return [];
  return items.map((item: Raw): XmlChild => {
    const name = Object.keys(item).find((k) => k !== ':@') ?? '';
    if (name === '#text') return { kind: 'text', text: String(item[name]) };
    if (name === '#comment' || name.startsWith('?') || name === '') return { kind: 'opaque', raw: item };
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries((item[':@'] ?? {}) as Raw)) attrs[k.replace(/^@_/, '')] = String(v);
    return { kind: 'element', name, attrs, children: fromRaw(item[name]) };
  });
}

function toRaw(children: XmlChild[]): Raw[] {
  return children.map((c) => {
    if (c.kind === 'text') return { '#text': c.text };
    if (c.kind === 'opaque') return c.raw;
    const raw: Raw = { [c.name]: toRaw(c.children) };
    if (Object.keys(c.attrs).length > 0) raw[':@'] = Object.fromEntries(Object.entries(c.attrs).map(([k, v]) => [`@_${k}`, v]));
    return raw;
  });
}

/** The document's top-level nodes; throws PARSE_ERROR naming `what` when it is not well-formed XML. */
export function parseXml(text: string, what: string): XmlChild[] {
  // The parser itself is lenient (it would accept an unclosed tag); the validator is not.
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new AppError('PARSE_ERROR', `${what} is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  return fromRaw(parser.parse(text));
}

export function buildXml(nodes: XmlChild[]): string {
  return builder.build(toRaw(nodes)) as string;
}

export function element(name: string, attrs: Record<string, string> = {}, children: XmlChild[] = []): XmlElement {
  return { kind: 'element', name, attrs, children };
}

export function text(value: string): XmlText {
  return { kind: 'text', text: value };
}

export function elements(parent: XmlElement | XmlChild[], name?: string): XmlElement[] {
  const list = Array.isArray(parent) ? parent : parent.children;
  return list.filter((c): c is XmlElement => c.kind === 'element' && (name === undefined || c.name === name));
}

export function child(parent: XmlElement, name: string): XmlElement | undefined {
  return elements(parent, name)[0];
}

/** The element's text content (its text children joined), trimmed. */
export function textOf(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  return el.children.map((c) => (c.kind === 'text' ? c.text : '')).join('').trim();
}

function isBlank(c: XmlChild | undefined): c is XmlText {
  return c?.kind === 'text' && c.text.trim() === '';
}

/** The whitespace that precedes element children of `parent` (its indentation), or '' when it is written on one line. */
function childIndent(parent: XmlElement): string {
  const i = parent.children.findIndex((c) => c.kind === 'element');
  const before = i > 0 ? parent.children[i - 1] : undefined;
  return isBlank(before) ? before.text : '';
}

/**
 * Inserts `el` into `parent` before `ref` (or after the last element child), repeating the
 * indentation of its siblings so a pretty-printed document stays pretty. A new element's own
 * children are indented one level deeper than it.
 */
export function insertChild(parent: XmlElement, el: XmlElement, ref?: XmlElement): void {
  const indent = childIndent(parent);
  indentNew(el, indent);
  const at = ref ? parent.children.indexOf(ref) : -1;
  if (at >= 0) {
    parent.children.splice(at, 0, el, ...(indent ? [text(indent)] : []));
    return;
  }
  const kids = elements(parent);
  const last = kids[kids.length - 1];
  const pos = last ? parent.children.indexOf(last) + 1 : parent.children.length;
  parent.children.splice(pos, 0, ...(indent ? [text(indent)] : []), el);
}

function indentNew(el: XmlElement, indent: string): void {
  const kids = elements(el);
  if (kids.length === 0 || el.children.some((c) => c.kind === 'text')) return;
  const inner = indent === '' ? '' : `${indent}  `;
  el.children = inner === '' ? kids : [...kids.flatMap((k) => [text(inner), k]), text(indent)];
  for (const k of kids) indentNew(k, inner);
}

/** Removes `el` from `parent` together with the whitespace that indented it. */
export function removeChild(parent: XmlElement, el: XmlElement): void {
  const at = parent.children.indexOf(el);
  if (at < 0) return;
  const before = parent.children[at - 1];
  if (isBlank(before)) parent.children.splice(at - 1, 2);
  else parent.children.splice(at, 1);
  // Its last element child gone, the parent collapses to <x/> rather than keeping a blank line.
  if (parent.children.every(isBlank)) parent.children = [];
}

/** Replaces `old` with `el` at the same position. */
export function replaceChild(parent: XmlElement, old: XmlElement, el: XmlElement): void {
  const at = parent.children.indexOf(old);
  if (at >= 0) parent.children[at] = el;
}
