/**
 * Helpers over the @lezer/python syntax tree: child lists, literal decoding and the
 * syntax-error report. The interpreter never looks at raw code text except through
 * node boundaries given by the parser.
 */
import type { parser } from '@lezer/python';
import type { Diagnostic } from '../../model/spec';
import type { LineIndex } from './ranges';

// Node types through the parser itself: @lezer/common is only a transitive dependency.
export type Tree = ReturnType<typeof parser.parse>;
export type SyntaxNode = Tree['topNode'];

/** The children of a node, error nodes and comments included, in document order. */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Punctuation and keyword tokens, which are not expressions. */
const TOKENS = new Set([
  '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '*', '**', '=', 'AssignOp', 'Comment',
  'if', 'else', 'elif', 'for', 'in', 'from', 'import', 'as', 'lambda', 'async', 'await',
]);

export function isToken(node: SyntaxNode): boolean {
  return TOKENS.has(node.name) || node.type.isError;
}

/**
 * lezer/python parses a float with a trailing dot (`1.`, `255.`) as a member access whose
 * property is missing. It is valid Python and common in Keras code (`Rescaling(1./255)`),
 * so it is read as the number and its error node is not reported.
 */
export function trailingDotFloat(node: SyntaxNode, text: string): number | undefined {
  if (node.name !== 'MemberExpression') return undefined;
  const num = node.firstChild;
  const dot = num?.nextSibling;
  const err = dot?.nextSibling;
  if (!num || !dot || !err || num.name !== 'Number' || dot.name !== '.' || !err.type.isError) return undefined;
  if (err.nextSibling || err.to !== err.from || num.to !== dot.from) return undefined;
  const digits = text.slice(num.from, num.to);
  for (const ch of digits) if (!((ch >= '0' && ch <= '9') || ch === '_')) return undefined;
  return Number(digits.split('_').join(''));
}

/** A Number token: decimal, float, hex/octal/binary, underscores. Imaginary numbers are not numbers here. */
export function parseNumber(raw: string): number | undefined {
  const t = raw.split('_').join('').toLowerCase();
  if (t.endsWith('j')) return undefined;
  if (t.startsWith('0x') || t.startsWith('0o') || t.startsWith('0b')) {
    const base = t[1] === 'x' ? 16 : t[1] === 'o' ? 8 : 2;
    const n = parseInt(t.slice(2), base);
    return Number.isNaN(n) ? undefined : n;
  }
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

/** `3.0`, `.5`, `1e-3` are floats in Python; `3`, `0x1e` are ints. */
export function isFloatLiteral(raw: string): boolean {
  const t = raw.toLowerCase();
  if (t.startsWith('0x') || t.startsWith('0o') || t.startsWith('0b')) return false;
  return t.includes('.') || t.includes('e');
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Decodes one plain (non-f) string token, prefixes and triple quotes included. */
export function parseStringToken(raw: string): string {
  let i = 0;
  let isRaw = false;
  while (i < raw.length && raw[i] !== '"' && raw[i] !== "'") {
    if (raw[i] === 'r' || raw[i] === 'R') isRaw = true;
    i++;
  }
  if (i >= raw.length) return raw;
  const quote = raw.startsWith(raw[i].repeat(3), i) ? raw[i].repeat(3) : raw[i];
  let body = raw.slice(i + quote.length);
  if (body.endsWith(quote)) body = body.slice(0, body.length - quote.length);
  return isRaw ? body : unescape(body);
}

export function unescape(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\' || i + 1 >= body.length) { out += ch; continue; }
    const next = body[++i];
    if (next === '\n') continue; // line continuation inside a string
    if (ESCAPES[next] !== undefined) { out += ESCAPES[next]; continue; }
    const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const code = width ? parseInt(body.slice(i + 1, i + 1 + width), 16) : NaN;
    if (!Number.isNaN(code) && code <= 0x10ffff) {
      out += String.fromCodePoint(code);
      i += width;
    } else {
      out += '\\' + next;
    }
  }
  return out;
}

function isIdentChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_' || ch > '\x7f';
}

/** Error nodes that stand for valid Python lezer does not accept (see trailingDotFloat). */
function isFalseError(err: SyntaxNode, text: string): boolean {
  return err.parent !== null && trailingDotFloat(err.parent, text) !== undefined;
}

/**
 * One diagnostic per error region. lezer recovers from an error with several error nodes
 * close together (a missing ')' also breaks the enclosing block); errors separated only
 * by whitespace are reported once.
 */
export function syntaxDiagnostics(tree: Tree, text: string, lines: LineIndex): Diagnostic[] {
  const regions: { from: number; to: number }[] = [];
  tree.iterate({
    enter: (ref) => {
      if (!ref.type.isError) return;
      const node = ref.node;
      if (isFalseError(node, text)) return;
      const last = regions[regions.length - 1];
      if (last && node.from <= last.to) { last.to = Math.max(last.to, node.to); return; }
      if (last && text.slice(last.to, node.from).trim() === '') { last.to = Math.max(last.to, node.to); return; }
      regions.push({ from: node.from, to: node.to });
    },
  });
  return regions.map((r) => {
    let from = r.from;
    let to = r.to;
    let what: string;
    if (to > from && text.slice(from, to).trim() !== '') {
      // Point at the text, not the whitespace the error node also covers.
      while (isSpace(text[from])) from++;
      while (isSpace(text[to - 1])) to--;
      what = `"${clip(text.slice(from, to))}"`;
    } else {
      while (from < text.length && (text[from] === ' ' || text[from] === '\t')) from++;
      to = from;
      if (from >= text.length) what = 'end of file';
      else if (text[from] === '\n' || text[from] === '\r' || text[from] === '#') what = 'end of line';
      else {
        to = from + 1;
        if (isIdentChar(text[from])) while (to < text.length && isIdentChar(text[to])) to++;
        what = `"${clip(text.slice(from, to))}"`;
      }
    }
    return { severity: 'error' as const, message: `Python syntax error: unexpected ${what}`, range: lines.range(from, to), code: 'python-syntax' };
  });
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f';
}

function clip(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 30 ? `${line.slice(0, 30)}…` : line;
}
