/**
 * Import of a sersync `confxml.xml` (sersync2's one config file) as Rsync Tray profiles.
 *
 * Text in, profiles and problems out. Every problem names its place in the XML file (line and
 * element), because the person fixing it has the XML open, not our JSON. Nothing is made from a
 * file with any XML problem, and a <sersync> section with a problem gives no profile. The one
 * thing read from disk is the start of an <auth passwordfile>, to catch a daemon secrets file
 * named where a client password file belongs (see sersync-password-file.ts).
 *
 * The parts: sersync-xml.ts reads the XML (saxes) into a small tree with line numbers;
 * sersync-rsync-options.ts translates filters and rsync options; this file maps the tree.
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
 *
 * The preview lists, per profile, each of these with its line, and what was not carried over
 * (-u, -H, <failLog>, <inotify> event filters, plugins …) with why: sersync-preview.ts.
 */
import { ProfileSchema } from '../../shared/profile-schema.ts';
import { issueSentence } from '../../shared/validation-messages.ts';
import { secretsFileProblem, type PasswordFileReader } from './sersync-password-file.ts';
import { parseCommonParams, sersyncRegexToExclude } from './sersync-rsync-options.ts';
import { droppedSettings, mappedFields, place, type ImportMapping } from './sersync-preview.ts';
import { parseXml, type XmlElement } from './sersync-xml.ts';

// The module's API as it was before the split: callers and tests import these from here.
export { parseXml, XML_MAX_DEPTH } from './sersync-xml.ts';
export type { XmlElement, XmlParseResult } from './sersync-xml.ts';
export { sersyncRegexToExclude } from './sersync-rsync-options.ts';
export type { PasswordFileReader } from './sersync-password-file.ts';

export interface SersyncImportOptions {
  /** How the start of an <auth passwordfile> is read (tests pass their own); null = unreadable. */
  readPasswordFile?: PasswordFileReader;
}

const child = (e: XmlElement | undefined, name: string): XmlElement | undefined =>
  e?.children.find((c) => c.name === name);
const children = (e: XmlElement | undefined, name: string): XmlElement[] =>
  e?.children.filter((c) => c.name === name) ?? [];
const isOn = (e: XmlElement | undefined): boolean => e?.attrs.start?.trim().toLowerCase() === 'true';

/** Zod issue path → where in the XML that value came from. */
type Places = Map<string, string>;
const key = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join('.');

function nameFor(watch: string, taken: Set<string>): string {
  // The name is ours, made from the folder's: a control character in a folder name (a tab, say)
  // becomes a space rather than a refusal the user could only fix by renaming the folder.
  const readable = [...watch].map((ch) => (ch < ' ' || ch === '\x7f' ? ' ' : ch)).join('');
  const base =
    readable
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop()
      ?.trim() || 'root';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} ${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/** The Importer for sersync's confxml.xml (see electron/core/config/profile-import.ts). */
export function importSersync(
  text: string,
  options: SersyncImportOptions = {},
): { profiles: unknown[]; problems: string[]; mapping?: ImportMapping[] } {
  const { root, problems } = parseXml(text);
  if (!root || problems.length) return { profiles: [], problems };
  if (root.name !== 'head')
    return {
      profiles: [],
      problems: [`line ${root.line}: the top element is <${root.name}>, but a sersync confxml.xml starts with <head>`],
    };

  const blocks = children(root, 'sersync');
  if (blocks.length === 0)
    return { profiles: [], problems: [`${place(root)}: there is no <sersync> section, so nothing to import`] };

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
  const mapping: ImportMapping[] = [];
  const taken = new Set<string>();
  for (const block of blocks) {
    const rsync = child(block, 'rsync');
    const places: Places = new Map();
    const ownProblems: string[] = [];

    // rsync options
    const paramsElement = child(rsync, 'commonParams');
    const params = paramsElement
      ? parseCommonParams(paramsElement.attrs.params ?? '', place(paramsElement, 'params'))
      : { compress: false, bandwidthLimit: null, excludes: [], problems: [], dropped: [] };
    ownProblems.push(...params.problems);
    if (paramsElement) {
      places.set('bandwidthLimit', place(paramsElement, 'params --bwlimit'));
      places.set('compress', place(paramsElement, 'params'));
      params.excludes.forEach((_, n) =>
        places.set(key(['excludes', excludes.length + n]), place(paramsElement, 'params --exclude')),
      );
    }
    excludePlaces.forEach((p, n) => places.set(key(['excludes', n]), p));

    const ssh = child(rsync, 'ssh');
    if (isOn(ssh))
      ownProblems.push(
        `${place(ssh!, 'start')}: rsync over ssh is not supported; Rsync Tray talks to rsync daemons (host::module). ` +
          `Set start="false" and use a daemon module`,
      );

    const auth = child(rsync, 'auth');
    const authOn = isOn(auth);
    const user = authOn ? auth!.attrs.users?.trim() : undefined;
    const passwordFile = authOn ? auth!.attrs.passwordfile?.trim() : undefined;
    if (authOn && !user) ownProblems.push(`${place(auth!, 'users')}: auth is on but names no user`);
    if (authOn && !passwordFile)
      ownProblems.push(`${place(auth!, 'passwordfile')}: auth is on but names no password file`);
    if (authOn && user?.includes(','))
      ownProblems.push(`${place(auth!, 'users')}: list one user; rsync logs in as a single user`);
    if (authOn && passwordFile) {
      const secrets = secretsFileProblem(passwordFile, place(auth!, 'passwordfile'), user, options.readPasswordFile);
      if (secrets) ownProblems.push(secrets);
    }

    const portElement = child(rsync, 'userDefinedPort');
    let port: unknown = 873;
    if (isOn(portElement)) {
      const text = portElement!.attrs.port?.trim() ?? '';
      // A bad value is reported here, with the XML's words, and not again by the schema.
      port = /^\d+$/.test(text) ? Number(text) : 873;
      if (!/^\d+$/.test(text))
        ownProblems.push(`${place(portElement!, 'port')}: "${text}" is not a port number (1 to 65535)`);
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
            ownProblems.push(
              `${place(ex, 'expression')}: excludes only for the periodic full sync are not supported ` +
                `(Rsync Tray uses one list, so live and full syncs agree); ` +
                `add it to <filter> or set <crontabfilter start="false">`,
            );
          }
        }
      }
    }

    for (const plugin of children(block, 'plugin')) {
      if (isOn(plugin))
        ownProblems.push(
          `${place(plugin, 'start')}: sersync plugins (here "${plugin.attrs.name ?? ''}") are not supported; ` +
            `set start="false" to import without it`,
        );
    }

    const localpaths = children(block, 'localpath');
    if (localpaths.length === 0)
      ownProblems.push(`${place(block)}: has no <localpath watch="..."> (the folder to back up)`);
    problems.push(...ownProblems);
    const dropped = droppedSettings(root, block, { params: paramsElement, dropped: params.dropped });

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
        let host = r.attrs.ip?.trim() ?? '';
        // sersync takes the port from <userDefinedPort> only (ip="h:873" fails there too): say
        // so in the XML's words, and not again by the schema.
        const withPort = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d+)$/.exec(host);
        if (withPort) {
          const line =
            `${place(r, 'ip')}: "${host}" includes a port; write ip="${withPort[1]}" ` +
            `and give the port as <userDefinedPort start="true" port="${withPort[2]}"/>`;
          ownProblems.push(line);
          problems.push(line);
          host = withPort[1]!;
        }
        return {
          host,
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
        if (ownProblems.length === 0) {
          profiles.push(candidate);
          mapping.push({ profile: parsed.data.name, fields: mappedFields(parsed.data, lpPlaces), dropped });
        }
        continue;
      }
      for (const issue of parsed.error.issues) {
        let where: string | undefined;
        for (let n = issue.path.length; n >= 0 && where === undefined; n--)
          where = lpPlaces.get(key(issue.path.slice(0, n)));
        const field = issue.path.length ? ` (${issue.path.map(String).join('.')})` : '';
        problems.push(`${where ?? place(lp)}${field}: ${issueSentence(issue)}`);
      }
    }
  }
  return { profiles, problems, mapping };
}
