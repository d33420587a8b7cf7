/**
 * Import of a sersync `confxml.xml` (sersync2's one config file) as Rsync Tray profiles.
 *
 * Pure: text in, profiles and problems out. Every problem names its place in the XML file
 * (line and element), because the person fixing it has the XML open, not our JSON. The file is
 * parsed by a small tolerant reader below: confxml.xml is plain elements and attributes (plus
 * comments, which people use to switch remotes off), so no XML library is needed.
 *
 * What maps to what:
 *   <sersync><localpath watch="/dir">          → one profile; source = watch, name = basename
 *     <remote ip="h" name="module[/sub]"/>      → one target each (commented-out remotes are skipped)
 *   <rsync><commonParams params="-artuz"/>      → -z = compress; --bwlimit=N = bandwidth (bare N is KiB/s)
 *          <auth start users passwordfile/>     → user + auth {type: passwordFile}
 *          <userDefinedPort start port/>        → target port (else 873)
 *          <timeout start time/>                → timeoutSeconds
 *          <ssh start="true"/>                  → refused: Rsync Tray talks to rsync daemons only
 *   <crontab start schedule/>                   → fullSyncIntervalMinutes (start="false" = 0, off)
 *   <filter start><exclude expression/>         → excludes, regexes translated to rsync patterns
 *   <inotify><delete start/>                    → deletions
 */
import { ProfileSchema } from '../../shared/profile-schema.ts';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  line: number;
}

export interface XmlParseResult {
  root: XmlElement | null;
  problems: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return ENTITIES[body] ?? whole;
  });
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTR = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

/**
 * Elements and attributes with their line numbers. Tolerant where sersync itself is (a missing
 * XML declaration, stray text), strict where a mistake would change the meaning (an element left
 * open, a close tag that does not match).
 */
export function parseXml(text: string): XmlParseResult {
  const problems: string[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (index: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  const top: XmlElement = { name: '#document', attrs: {}, children: [], line: 1 };
  const stack: XmlElement[] = [top];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) {
        problems.push(`line ${lineOf(i)}: a comment "<!--" is never closed with "-->"`);
        break;
      }
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) {
        problems.push(`line ${lineOf(i)}: "<?" is never closed with "?>"`);
        break;
      }
      i = end + 2;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      i = end === -1 ? text.length : end + 3;
    } else if (text.startsWith('<!', i)) {
      const end = text.indexOf('>', i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('</', i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(text);
      const end = text.indexOf('>', i);
      const line = lineOf(i);
      if (!m || end === -1) {
        problems.push(`line ${line}: a closing tag is malformed`);
        break;
      }
      const open = stack[stack.length - 1]!;
      if (open === top) problems.push(`line ${line}: </${m[0]}> closes nothing (no <${m[0]}> is open)`);
      else if (open.name !== m[0]) {
        problems.push(`line ${line}: </${m[0]}> closes <${open.name}>, which was opened on line ${open.line}; close <${open.name}> first (or end it with "/>")`);
        // Recover when the element is open further up, so one typo gives one message.
        const at = stack.findLastIndex((e) => e.name === m[0]);
        if (at > 0) stack.length = at;
      } else stack.pop();
      i = end + 1;
    } else {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(text);
      const line = lineOf(i);
      if (!m) {
        problems.push(`line ${line}: "<" does not start a tag (write &lt; for a literal "<")`);
        i++;
        continue;
      }
      const element: XmlElement = { name: m[0], attrs: {}, children: [], line };
      let j = NAME.lastIndex;
      let broken = false;
      for (;;) {
        ATTR.lastIndex = j;
        const a = ATTR.exec(text);
        if (!a) break;
        const name = a[1]!;
        if (Object.hasOwn(element.attrs, name)) problems.push(`line ${lineOf(j)}: <${element.name}> has the attribute ${name} twice`);
        element.attrs[name] = decodeEntities(a[3] ?? a[4] ?? '');
        j = ATTR.lastIndex;
      }
      while (j < text.length && /\s/.test(text[j]!)) j++;
      let selfClosing = false;
      if (text.startsWith('/>', j)) {
        selfClosing = true;
        j += 2;
      } else if (text[j] === '>') j += 1;
      else {
        broken = true;
        const shown = text.slice(j, j + 20).split('\n')[0];
        problems.push(`line ${lineOf(j)}: <${element.name}> is malformed near "${shown}" (attributes are written name="value")`);
        const end = text.indexOf('>', j);
        j = end === -1 ? text.length : end + 1;
      }
      stack[stack.length - 1]!.children.push(element);
      if (!selfClosing && !broken) stack.push(element);
      i = j;
    }
  }
  for (const open of stack.slice(1).reverse()) problems.push(`line ${open.line}: <${open.name}> is never closed (add </${open.name}>, or end the tag with "/>")`);
  const roots = top.children;
  if (problems.length === 0 && roots.length === 0) problems.push('line 1: the file has no XML elements; is this a sersync confxml.xml?');
  return { root: roots[0] ?? null, problems };
}

// ---------------------------------------------------------------------------------------------

/** "line 27 <userDefinedPort port>" — where a value came from. */
function place(e: XmlElement, attr?: string): string {
  return `line ${e.line} <${e.name}${attr ? ` ${attr}` : ''}>`;
}

const child = (e: XmlElement | undefined, name: string): XmlElement | undefined => e?.children.find((c) => c.name === name);
const children = (e: XmlElement | undefined, name: string): XmlElement[] => e?.children.filter((c) => c.name === name) ?? [];
const isOn = (e: XmlElement | undefined): boolean => e?.attrs.start?.trim().toLowerCase() === 'true';

/**
 * sersync filters are regular expressions matched against the path relative to the watched
 * folder; rsync excludes are wildcard patterns. The forms people actually write translate
 * exactly; anything else is reported rather than guessed at.
 */
export function sersyncRegexToExclude(expression: string): { pattern: string } | { error: string } {
  const expr = expression.trim();
  // A literal body: metacharacters only when escaped (\. \- ...), which then stand for themselves.
  const literal = (s: string): string | null => {
    let out = '';
    for (let k = 0; k < s.length; k++) {
      const c = s[k]!;
      if (c === '\\') {
        const next = s[++k];
        if (next === undefined || /[A-Za-z0-9]/.test(next)) return null; // \d, \w, ... are classes
        out += next;
      } else if ('^$.|?*+()[]{}'.includes(c)) return null;
      else out += c;
    }
    // rsync would read these as wildcards; a name containing them needs rsync's own escaping.
    return out && !/[*?[\\]/.test(out) ? out : null;
  };
  // (.*)\.svn   .*\.gz   (.*)~   → *.svn, *.gz, *~  (anywhere in the tree, as sersync matches)
  let m = /^(?:\(\.\*\)|\.\*)(.+?)\$?$/.exec(expr);
  if (m) {
    const body = literal(m[1]!);
    if (body !== null) return { pattern: `*${body}` };
  }
  // ^info/*   ^info/.*   ^info/(.*)   ^info   → /info (the entry at the top of the watched folder)
  m = /^\^(.+?)(?:\/\*|\/\.\*|\/\(\.\*\)|\/)?\$?$/.exec(expr);
  if (m) {
    const body = literal(m[1]!);
    if (body !== null) return { pattern: `/${body.replace(/^\/+/, '')}` };
  }
  // A plain name. sersync matches the whole relative path (hence the (.*) in its examples), so
  // "cache" is the entry at the top of the watched folder.
  const plain = literal(expr);
  if (plain !== null) return { pattern: `/${plain.replace(/^\/+/, '')}` };
  return { error: `the regular expression "${expression}" has no exact rsync exclude pattern; write it in one of the forms (.*)\\.ext, ^dir/* or a plain name, or exclude it in Rsync Tray's profile editor after the import` };
}

/** rsync short options that change nothing for a daemon mirror made with -a, or that we set ourselves. */
const HARMLESS_SHORT = new Set(['a', 'r', 't', 'l', 'p', 'g', 'o', 'D', 'v', 'q', 'u', 'H', 'R', 'd', 'i', 'P', 'h', 'c', 'W']);
const HARMLESS_LONG = new Set(['archive', 'recursive', 'times', 'links', 'perms', 'group', 'owner', 'devices', 'specials', 'verbose', 'quiet', 'update', 'hard-links', 'relative', 'progress', 'partial', 'human-readable', 'checksum', 'whole-file', 'delete', 'delete-after', 'delete-during', 'delete-delay', 'delete-before', 'ignore-errors', 'force', 'stats', 'itemize-changes']);

interface ParsedParams {
  compress: boolean;
  bandwidthLimit: string | null;
  excludes: string[];
  problems: string[];
}

/** commonParams: the options sersync passes to every rsync it runs. */
function parseCommonParams(params: string, where: string): ParsedParams {
  const out: ParsedParams = { compress: false, bandwidthLimit: null, excludes: [], problems: [] };
  const words = params.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!.replace(/^(["'])(.*)\1$/, '$2');
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(word);
    if (long) {
      const [, name, value] = long as unknown as [string, string, string | undefined];
      const next = (): string | undefined => (value !== undefined ? value : words[++k]?.replace(/^(["'])(.*)\1$/, '$2'));
      if (name === 'compress') out.compress = true;
      else if (name === 'bwlimit') {
        const v = next() ?? '';
        // rsync reads a bare number as KiB/s; Rsync Tray wants the unit spelled out.
        out.bandwidthLimit = /^\d+(\.\d+)?$/.test(v) ? `${v}K` : v;
      } else if (name === 'exclude') out.excludes.push(next() ?? '');
      else if (name === 'timeout' || name === 'contimeout' || name === 'port' || name === 'password-file') {
        out.problems.push(`${where}: --${name} belongs in its own element (<timeout>, <userDefinedPort>, <auth>); remove it from params`);
        if (value === undefined) k++;
      } else if (!HARMLESS_LONG.has(name)) out.problems.push(`${where}: the rsync option --${name} cannot be carried over to Rsync Tray; remove it from params to import`);
      continue;
    }
    if (/^-[A-Za-z]+$/.test(word)) {
      for (const letter of word.slice(1)) {
        if (letter === 'z') out.compress = true;
        else if (letter === 'e') out.problems.push(`${where}: -e (a remote shell, e.g. ssh) is not supported; Rsync Tray talks to rsync daemons (host::module)`);
        else if (!HARMLESS_SHORT.has(letter)) out.problems.push(`${where}: the rsync option -${letter} cannot be carried over to Rsync Tray; remove it from params to import`);
      }
      continue;
    }
    out.problems.push(`${where}: "${word}" is not an rsync option`);
  }
  return out;
}

/** Zod issue path → where in the XML that value came from. */
type Places = Map<string, string>;
const key = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join('.');

function nameFor(watch: string, taken: Set<string>): string {
  const base = watch.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || 'root';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} ${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/** The Importer for sersync's confxml.xml (see electron/core/config/profile-import.ts). */
export function importSersync(text: string): { profiles: unknown[]; problems: string[] } {
  const { root, problems } = parseXml(text);
  if (!root || problems.length) return { profiles: [], problems };
  if (root.name !== 'head') return { profiles: [], problems: [`line ${root.line}: the top element is <${root.name}>, but a sersync confxml.xml starts with <head>`] };

  const blocks = children(root, 'sersync');
  if (blocks.length === 0) return { profiles: [], problems: [`${place(root)}: there is no <sersync> section, so nothing to import`] };

  // Settings shared by every <sersync> section.
  const filter = child(root, 'filter');
  const excludes: string[] = [];
  const excludePlaces: string[] = [];
  if (isOn(filter)) {
    for (const ex of children(filter, 'exclude')) {
      const expression = ex.attrs.expression;
      if (expression === undefined) {
        problems.push(`${place(ex)}: has no expression="..." attribute`);
        continue;
      }
      const translated = sersyncRegexToExclude(expression);
      if ('error' in translated) problems.push(`${place(ex, 'expression')}: ${translated.error}`);
      else {
        excludes.push(translated.pattern);
        excludePlaces.push(place(ex, 'expression'));
      }
    }
  }
  const deleteElement = child(child(root, 'inotify'), 'delete');
  // sersync propagates deletions unless <delete start="false"/>.
  const deletions = deleteElement ? isOn(deleteElement) : true;

  const profiles: unknown[] = [];
  const taken = new Set<string>();
  for (const block of blocks) {
    const rsync = child(block, 'rsync');
    const places: Places = new Map();
    const ownProblems: string[] = [];

    // rsync options
    const paramsElement = child(rsync, 'commonParams');
    const params = paramsElement ? parseCommonParams(paramsElement.attrs.params ?? '', place(paramsElement, 'params')) : { compress: false, bandwidthLimit: null, excludes: [], problems: [] };
    ownProblems.push(...params.problems);
    if (paramsElement) {
      places.set('bandwidthLimit', place(paramsElement, 'params --bwlimit'));
      params.excludes.forEach((_, n) => places.set(key(['excludes', excludes.length + n]), place(paramsElement, 'params --exclude')));
    }
    excludePlaces.forEach((p, n) => places.set(key(['excludes', n]), p));

    const ssh = child(rsync, 'ssh');
    if (isOn(ssh)) ownProblems.push(`${place(ssh!, 'start')}: rsync over ssh is not supported; Rsync Tray talks to rsync daemons (host::module). Set start="false" and use a daemon module`);

    const auth = child(rsync, 'auth');
    const authOn = isOn(auth);
    const user = authOn ? auth!.attrs.users?.trim() : undefined;
    const passwordFile = authOn ? auth!.attrs.passwordfile?.trim() : undefined;
    if (authOn && !user) ownProblems.push(`${place(auth!, 'users')}: auth is on but names no user`);
    if (authOn && !passwordFile) ownProblems.push(`${place(auth!, 'passwordfile')}: auth is on but names no password file`);
    if (authOn && user?.includes(',')) ownProblems.push(`${place(auth!, 'users')}: list one user; rsync logs in as a single user`);

    const portElement = child(rsync, 'userDefinedPort');
    let port: unknown = 873;
    if (isOn(portElement)) {
      const text = portElement!.attrs.port?.trim() ?? '';
      // A bad value is reported here, with the XML's words, and not again by the schema.
      port = /^\d+$/.test(text) ? Number(text) : 873;
      if (!/^\d+$/.test(text)) ownProblems.push(`${place(portElement!, 'port')}: "${text}" is not a port number (1 to 65535)`);
    }

    const timeoutElement = child(rsync, 'timeout');
    let timeoutSeconds: unknown;
    if (isOn(timeoutElement)) {
      const text = timeoutElement!.attrs.time?.trim() ?? '';
      if (/^\d+$/.test(text)) timeoutSeconds = Number(text);
      else ownProblems.push(`${place(timeoutElement!, 'time')}: "${text}" is not a number of seconds`);
      places.set('timeoutSeconds', place(timeoutElement!, 'time'));
    }

    const crontab = child(block, 'crontab');
    let fullSyncIntervalMinutes: unknown = 0;
    if (isOn(crontab)) {
      const text = crontab!.attrs.schedule?.trim() ?? '';
      if (/^\d+(\.\d+)?$/.test(text)) fullSyncIntervalMinutes = Number(text);
      else ownProblems.push(`${place(crontab!, 'schedule')}: "${text}" is not a number of minutes`);
      places.set('fullSyncIntervalMinutes', place(crontab!, 'schedule'));
      // One exclude list for live and full syncs is what keeps the backup from drifting.
      const cf = child(crontab, 'crontabfilter');
      if (isOn(cf)) {
        for (const ex of children(cf, 'exclude')) {
          const translated = sersyncRegexToExclude(ex.attrs.expression ?? '');
          const pattern = 'pattern' in translated ? translated.pattern : null;
          if (pattern === null || !excludes.includes(pattern)) {
            ownProblems.push(`${place(ex, 'expression')}: excludes only for the periodic full sync are not supported (Rsync Tray uses one list, so live and full syncs agree); add it to <filter> or set <crontabfilter start="false">`);
          }
        }
      }
    }

    for (const plugin of children(block, 'plugin')) {
      if (isOn(plugin)) ownProblems.push(`${place(plugin, 'start')}: sersync plugins (here "${plugin.attrs.name ?? ''}") are not supported; set start="false" to import without it`);
    }

    const localpaths = children(block, 'localpath');
    if (localpaths.length === 0) ownProblems.push(`${place(block)}: has no <localpath watch="..."> (the folder to back up)`);
    problems.push(...ownProblems);

    for (const lp of localpaths) {
      const watch = lp.attrs.watch?.trim() ?? '';
      const lpPlaces: Places = new Map(places);
      lpPlaces.set('source', place(lp, 'watch'));
      lpPlaces.set('name', place(lp, 'watch'));
      lpPlaces.set('', place(lp));
      lpPlaces.set('targets', place(lp));
      const remotes = children(lp, 'remote');
      const targets = remotes.map((r, n) => {
        const name = r.attrs.name?.trim() ?? '';
        const slash = name.indexOf('/');
        lpPlaces.set(key(['targets', n]), place(r));
        lpPlaces.set(key(['targets', n, 'host']), place(r, 'ip'));
        lpPlaces.set(key(['targets', n, 'module']), place(r, 'name'));
        lpPlaces.set(key(['targets', n, 'path']), place(r, 'name'));
        if (portElement) lpPlaces.set(key(['targets', n, 'port']), place(portElement, 'port'));
        if (auth) {
          lpPlaces.set(key(['targets', n, 'user']), place(auth, 'users'));
          lpPlaces.set(key(['targets', n, 'auth']), place(auth, 'passwordfile'));
        }
        return {
          host: r.attrs.ip?.trim() ?? '',
          port,
          module: slash === -1 ? name : name.slice(0, slash),
          path: slash === -1 ? '' : name.slice(slash + 1),
          ...(user ? { user } : {}),
          auth: passwordFile ? { type: 'passwordFile', path: passwordFile } : { type: 'none' },
        };
      });
      const candidate = {
        name: nameFor(watch, taken),
        source: watch,
        targets,
        bandwidthLimit: params.bandwidthLimit ?? '',
        excludes: [...excludes, ...params.excludes],
        deletions,
        compress: params.compress,
        fullSyncIntervalMinutes,
        ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      };
      if (deleteElement) lpPlaces.set('deletions', place(deleteElement, 'start'));
      // Validate here, so each problem points into the XML rather than into our JSON.
      const parsed = ProfileSchema.safeParse(candidate);
      if (parsed.success) {
        if (ownProblems.length === 0) profiles.push(candidate);
        continue;
      }
      for (const issue of parsed.error.issues) {
        let where: string | undefined;
        for (let n = issue.path.length; n >= 0 && where === undefined; n--) where = lpPlaces.get(key(issue.path.slice(0, n)));
        const field = issue.path.length ? ` (${issue.path.map(String).join('.')})` : '';
        problems.push(`${where ?? place(lp)}${field}: ${issue.message}`);
      }
    }
  }
  return { profiles, problems };
}
