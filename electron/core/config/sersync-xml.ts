/**
 * The XML reader for sersync's confxml.xml: text in, a small element tree (names, attributes,
 * the line each element starts on) and problems out. It never throws; every problem names a line
 * and says what to change.
 *
 * Why saxes and not a DOM parser: saxes is a maintained, conformance-tested streaming parser that
 * reports the position of everything it reads, which is what our line-numbered problems need; a
 * DOM parser (xmldom, jsdom, ...) would build a full document we throw away, usually loses the
 * positions, and grows with the input. saxes also never expands DTD entities (it reports them as
 * undefined), so a "billion laughs" file costs nothing, and its stack of open elements is an
 * array, not recursion, so deep nesting cannot overflow the call stack. We build only the tree
 * sersync needs (elements and attributes, no text), and refuse anything nested deeper than
 * XML_MAX_DEPTH.
 *
 * Tolerant where sersync itself is (a missing or misplaced XML declaration, stray text outside
 * <head>); strict where a mistake would change the meaning (an element left open, a close tag
 * that does not match, a broken attribute or entity). Reading stops at the first such mistake:
 * after it the rest of the tree is guesswork, and one exact message beats a cascade.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  line: number;
}

export interface XmlParseResult {
  /** The top element; null whenever there are problems, so nothing is built from half a file. */
  root: XmlElement | null;
  problems: string[];
}

/** sersync nests 5 deep (head > sersync > crontab > crontabfilter > exclude); this is generous. */
export const XML_MAX_DEPTH = 64;

const CHOOSE_CONFXML = "choose sersync's confxml.xml, which starts with <head>";

/** Thrown from saxes handlers to stop reading at the first real mistake. */
class Stop extends Error {}

/** Line numbers the way XML counts lines: \r\n, \r and \n each end one. */
function lineIndex(text: string): (index: number) => number {
  const starts = [0];
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) starts.push(k + 1);
  }
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

const BARE_AMP = 'a bare "&" (XML reads "&" as the start of an entity such as &amp;); write &amp; for a literal "&"';

/** The first "&" in text[from, to) that does not start an entity reference, or -1. */
function bareAmpersand(text: string, from: number, to: number): number {
  for (let at = text.indexOf('&', from); at !== -1 && at < to; at = text.indexOf('&', at + 1)) {
    if (!/^&(#[0-9]+|#x[0-9a-fA-F]+|[^\s&;<>"']+);/.test(text.slice(at, at + 100))) return at;
  }
  return -1;
}

/** The first character in text[from, to) that XML 1.0 does not allow (its Char production), or -1. */
function notXmlCharacter(text: string, from: number, to: number): number {
  for (let at = Math.max(0, from); at < to && at < text.length; at++) {
    const c = text.codePointAt(at)!;
    const allowed =
      c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c > 0xffff;
    if (!allowed) return at;
    if (c > 0xffff) at++;
  }
  return -1;
}

const ATTR = /\s*[^\s=<>/"']+\s*=\s*("[^"<]*"|'[^'<]*')/y;
const shown = (s: string): string => s.slice(0, 20).split(/\r\n|\r|\n/)[0]!;

/** saxes attribute and tag-syntax errors (the tag is still open when they fire). */
const TAG_SYNTAX = /attribute|forward-slash in opening tag/;
/** What sersync's own reader shrugs off, and so do we: none of it changes what the elements say. */
const TOLERATED =
  /^text data outside of root node|XML declaration|^version number|^encoding value|^standalone value|^value (required|must be quoted)|^whitespace required|^expected (the name|one of)|^did not expect any more name\/value pairs|^processing instructions are not allowed before root/i;

/**
 * Elements and attributes with the line each element starts on. A DOCTYPE that declares entities
 * is refused outright (saxes would not expand them anyway, but the file is not a sersync config).
 */
export function parseXml(text: string): XmlParseResult {
  const lineAt = lineIndex(text);
  const problems: string[] = [];
  const document: XmlElement = { name: '#document', attrs: {}, children: [], line: 1 };
  const stack: XmlElement[] = [document];
  /** The tag being read (between "<name" and its ">"), with where it starts. */
  let pending: { element: XmlElement; start: number } | null = null;
  /** The element a close tag has just closed (saxes reports a mismatch after closing it). */
  let lastClosed: XmlElement | null = null;
  /** Where the last complete piece of XML ended: an unfinished one starts after it. */
  let mark = 0;
  let sawElement = false;
  let ending = false;
  const endErrors: string[] = [];

  if (text.trim() === '') return { root: null, problems: [`line 1: the file is empty; ${CHOOSE_CONFXML}`] };
  const parser = new SaxesParser({ position: true });
  const stop = (message: string): never => {
    problems.push(message);
    throw new Stop();
  };

  /** saxes' message, turned into ours: the line, what is wrong, what to write instead. */
  const describe = (raw: string): string => {
    const pos = parser.position;
    const line = lineAt(Math.max(0, pos - 1));
    const notXml = sawElement ? '' : `; this does not look like XML: ${CHOOSE_CONFXML}`;
    if (raw === 'disallowed character.') {
      // Inside a tag too (a control character pasted into an attribute): the character is the
      // mistake, not the tag's syntax. saxes reads on a little, so look from where the piece began.
      const at = notXmlCharacter(text, pending ? pending.start : mark, pos);
      const code = text.codePointAt(at === -1 ? Math.max(0, pos - 1) : at) ?? 0;
      return (
        `line ${at === -1 ? line : lineAt(at)}: ` +
        `the character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML` +
        `${sawElement ? '; remove it' : `; is this a text file? ${CHOOSE_CONFXML}`}`
      );
    }
    let m = /^duplicate attribute: (.*)\.$/.exec(raw);
    if (m && pending) return `line ${line}: <${pending.element.name}> has the attribute ${m[1]} twice; keep one`;
    if (pending && TAG_SYNTAX.test(raw)) {
      const { element, start } = pending;
      let j = start + 1 + element.name.length;
      for (;;) {
        ATTR.lastIndex = j;
        if (!ATTR.exec(text)) break;
        j = ATTR.lastIndex;
      }
      while (j < text.length && /\s/.test(text[j]!)) j++;
      return (
        `line ${lineAt(j)}: ` +
        `<${element.name}> is malformed near "${shown(text.slice(j))}" (attributes are written name="value")`
      );
    }
    if (raw === 'unexpected close tag.' && lastClosed) {
      const open = lastClosed;
      const at = text.lastIndexOf('</', pos - 1);
      const name = /^<\/([^\s>]*)/.exec(text.slice(at))?.[1] ?? '';
      return (
        `line ${lineAt(at)}: </${name}> closes <${open.name}>, which was opened on line ${open.line}; ` +
        `close <${open.name}> first (or end it with "/>")`
      );
    }
    m = /^unmatched closing tag: (.*)\.$/.exec(raw);
    if (m)
      return (
        `line ${lineAt(text.lastIndexOf('</', pos - 1))}: ` +
        `</${m[1]}> closes nothing (no <${m[1]}> is open); remove it`
      );
    if (raw === 'undefined entity.') {
      const at = text.lastIndexOf('&', pos - 1);
      return (
        `line ${lineAt(at)}: "${shown(text.slice(at, pos))}" is not an XML entity ` +
        `(XML knows only &amp; &lt; &gt; &quot; &apos; and numbers like &#38;); ` +
        `write &amp; for a literal "&"${notXml}`
      );
    }
    if (raw === 'disallowed character in entity name.' || raw === 'empty entity name.') {
      // saxes reads on to the next ";", so the culprit is the first "&" that starts no entity.
      const at = bareAmpersand(text, pending ? pending.start : mark, pos);
      return `line ${lineAt(at === -1 ? text.lastIndexOf('&', pos - 1) : at)}: ${BARE_AMP}${notXml}`;
    }
    if (raw === 'malformed character entity.') {
      const at = text.lastIndexOf('&', pos - 1);
      return (
        `line ${lineAt(at)}: "${shown(text.slice(at, pos))}" is not a valid character number; ` +
        `write the character itself, or &amp; for a literal "&"`
      );
    }
    if (raw.startsWith('disallowed character in tag name'))
      return (
        `line ${lineAt(text.lastIndexOf('<', pos - 1))}: "<" does not start a tag ` +
        `(write &lt; for a literal "<")${notXml}`
      );
    if (raw.startsWith('disallowed character in closing tag'))
      return `line ${line}: a closing tag is malformed; write it as </name>`;
    if (raw === 'documents may contain only one root.') {
      return (
        `line ${line}: a second top-level element; ` +
        `everything in a confxml.xml belongs inside its one <head> ... </head>`
      );
    }
    if (raw === 'malformed comment.')
      return `line ${line}: a comment contains "--", which XML does not allow inside <!-- -->; remove it`;
    if (raw.includes('"]]>"')) return `line ${line}: "]]>" is not allowed in text; remove it`;
    return `line ${line}: this is not well-formed XML (${raw.replace(/\.$/, '')}); correct the file here${notXml}`;
  };

  parser.on('error', (error) => {
    const raw = error.message.replace(/^\d+:\d+: /, '');
    if (ending) endErrors.push(raw);
    else if (!TOLERATED.test(raw)) stop(describe(raw));
  });
  parser.on('opentagstart', (tag) => {
    const pos = parser.position;
    let start = pos - tag.name.length - 2;
    if (!text.startsWith(`<${tag.name}`, start)) start = text.lastIndexOf(`<${tag.name}`, pos);
    const element: XmlElement = { name: tag.name, attrs: {}, children: [], line: lineAt(start) };
    sawElement = true;
    if (stack.length > XML_MAX_DEPTH) {
      stop(
        `line ${element.line}: <${element.name}> is nested more than ${XML_MAX_DEPTH} elements deep, ` +
          `but a sersync confxml.xml nests 5 deep; the file is damaged or not a sersync config: ${CHOOSE_CONFXML}`,
      );
    }
    pending = { element, start };
  });
  parser.on('opentag', (tag) => {
    const element = pending!.element;
    pending = null;
    element.attrs = Object.fromEntries(Object.entries(tag.attributes));
    stack[stack.length - 1]!.children.push(element);
    stack.push(element);
    mark = parser.position;
  });
  parser.on('closetag', () => {
    if (stack.length > 1) lastClosed = stack.pop()!;
    mark = parser.position;
  });
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) {
      stop(
        `line ${lineAt(text.lastIndexOf('<!DOCTYPE', parser.position))}: ` +
          `the file declares XML entities (<!DOCTYPE ... <!ENTITY ...>); they are not expanded, ` +
          `and a sersync confxml.xml has none. Remove the <!DOCTYPE ...> part and import again`,
      );
    }
    mark = parser.position;
  });
  const marked = (): void => {
    mark = parser.position;
  };
  // saxes reports a comment on its "--", before the ">" that ends it: a file cut off between the
  // two must still read as an unclosed comment.
  parser.on('comment', () => {
    if (text[parser.position] === '>') mark = parser.position + 1;
  });
  parser.on('processinginstruction', marked);
  parser.on('cdata', marked);
  parser.on('xmldecl', marked);

  try {
    parser.write(text);
    ending = true;
    parser.close();
  } catch (error) {
    if (!(error instanceof Stop)) {
      const where = lineAt(Math.min(text.length, Math.max(0, parser.position - 1)));
      problems.push(
        `line ${where}: the XML reader stopped here (${error instanceof Error ? error.message : String(error)}); ` +
          `check that this is sersync's confxml.xml`,
      );
    }
    return { root: null, problems };
  }

  const atEnd = /^(unexpected end|unclosed tag|document must contain a root element)/;
  for (const raw of endErrors) if (!atEnd.test(raw) && !TOLERATED.test(raw)) problems.push(describe(raw));
  if (endErrors.includes('unexpected end.')) problems.push(unfinished(text, mark, pending, lineAt));
  else if (problems.length === 0) {
    for (const open of stack.slice(1).reverse())
      problems.push(
        `line ${open.line}: <${open.name}> is never closed (add </${open.name}>, or end the tag with "/>")`,
      );
  }
  if (problems.length === 0 && !sawElement) {
    problems.push(
      `line 1: the file has no XML elements; ` +
        `is this a sersync confxml.xml? ${CHOOSE_CONFXML[0]!.toUpperCase()}${CHOOSE_CONFXML.slice(1)}`,
    );
  }
  return { root: problems.length ? null : (document.children[0] ?? null), problems };
}

/** The file ends inside something: say what, and where it began. */
function unfinished(
  text: string,
  mark: number,
  pending: { element: XmlElement; start: number } | null,
  lineAt: (index: number) => number,
): string {
  const cutOff = 'it looks cut off: copy the whole confxml.xml again';
  const from = pending ? pending.start : mark;
  const lt = text.indexOf('<', pending ? from + 1 : from);
  const amp = bareAmpersand(text, from, lt === -1 ? text.length : lt);
  if (amp !== -1) return `line ${lineAt(amp)}: ${BARE_AMP}`;
  if (pending) return `line ${lineAt(from)}: the file ends inside the tag <${pending.element.name}>; ${cutOff}`;
  if (lt === -1) return `line ${lineAt(text.length)}: the file ends unexpectedly; ${cutOff}`;
  const line = lineAt(lt);
  if (text.startsWith('<!--', lt)) return `line ${line}: a comment "<!--" is never closed with "-->"`;
  if (text.startsWith('<![CDATA[', lt)) return `line ${line}: "<![CDATA[" is never closed with "]]>"`;
  if (text.startsWith('<!DOCTYPE', lt))
    return `line ${line}: "<!DOCTYPE" is never closed with ">"; remove it (a sersync confxml.xml has none)`;
  if (text.startsWith('<?', lt)) return `line ${line}: "<?" is never closed with "?>"`;
  if (text.startsWith('</', lt)) return `line ${line}: the file ends inside a closing tag; ${cutOff}`;
  return `line ${line}: the file ends inside a tag; ${cutOff}`;
}
