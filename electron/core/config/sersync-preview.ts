/**
 * What the sersync import preview says beside each profile: every setting it carried over, with
 * the line of confxml.xml it came from (or that Rsync Tray's default applies), and everything the
 * file has that a profile cannot hold, with why — so an admin moving from sersync sees that -u,
 * <failLog> or an <inotify> event filter did not come along before importing, not afterwards.
 */
import { describeBandwidth } from '../../shared/bandwidth.ts';
import type { ImportDropped, ImportMappedField, ImportMapping } from '../../shared/contract.ts';
import { formatCount, plural } from '../../shared/presenter.ts';
import type { Profile } from '../../shared/profile-schema.ts';
import type { XmlElement } from './sersync-xml.ts';

/** "line 27 <userDefinedPort port>" — where a value came from. */
export function place(e: XmlElement, attr?: string): string {
  return `line ${e.line} <${e.name}${attr ? ` ${attr}` : ''}>`;
}

const child = (e: XmlElement | undefined, name: string): XmlElement | undefined =>
  e?.children.find((c) => c.name === name);
const children = (e: XmlElement | undefined, name: string): XmlElement[] =>
  e?.children.filter((c) => c.name === name) ?? [];
const isOn = (e: XmlElement | undefined): boolean => e?.attrs.start?.trim().toLowerCase() === 'true';
const isOff = (e: XmlElement | undefined): boolean => e !== undefined && !isOn(e);

const DEFAULT = 'not in the file: Rsync Tray’s default';

/**
 * sersync's <inotify> event switches. Rsync Tray watches every kind of change, so one switched
 * off is not carried over: such changes are synced too. (<delete> is mapped: deletions.)
 */
const EVENT_WHY: Readonly<Record<string, string>> = {
  createFile: 'New files are synced as they appear, not only once closed after writing.',
  createFolder: 'New folders are synced too: Rsync Tray watches every kind of change.',
  closeWrite: 'Written files are synced too: Rsync Tray watches every kind of change.',
  moveFrom: 'Moves are synced too: Rsync Tray watches every kind of change.',
  moveTo: 'Moves are synced too: Rsync Tray watches every kind of change.',
  attrib: 'Changes of permissions, owner or times alone are synced too.',
  modify: 'Changes are synced after the quiet time, whether or not the file was closed.',
};

/** Top-level elements of confxml.xml that configure sersync itself, not what it syncs. */
const SERSYNC_ITSELF: Readonly<Record<string, string>> = {
  host: 'sersync’s own listener: Rsync Tray is driven from its window, the tray menu and `rsync-tray`.',
  debug: 'Rsync Tray’s messages are on the Log screen and in the output of `rsync-tray run`.',
  fileSystem: 'Rsync Tray’s watcher needs no switch for XFS.',
};

/** One block's settings that a profile cannot hold (the same for every <localpath> in it). */
export function droppedSettings(
  root: XmlElement,
  block: XmlElement,
  options: { params?: XmlElement; dropped: ReadonlyArray<{ option: string; why: string }> },
): ImportDropped[] {
  const out: ImportDropped[] = [];
  const add = (what: string, from: string, why: string) => out.push({ what, from, why });
  const from = options.params ? place(options.params, 'params') : '';
  for (const d of options.dropped) add(d.option, from, d.why);

  for (const e of child(root, 'inotify')?.children ?? []) {
    const why = EVENT_WHY[e.name];
    if (why && isOff(e)) add(`<inotify><${e.name} start="false"/>`, place(e, 'start'), why);
  }
  const filter = child(root, 'filter');
  if (isOff(filter) && children(filter, 'exclude').length)
    add('<filter start="false">', place(filter!, 'start'), 'Off in the file, so its excludes are not imported.');

  const rsync = child(block, 'rsync');
  const auth = child(rsync, 'auth');
  if (isOff(auth) && (auth!.attrs.users || auth!.attrs.passwordfile))
    add(
      '<auth start="false">',
      place(auth!, 'start'),
      'Off in the file: the targets log in without a user or password.',
    );
  const port = child(rsync, 'userDefinedPort');
  if (isOff(port) && port!.attrs.port)
    add(
      `<userDefinedPort port="${port!.attrs.port}">`,
      place(port!, 'start'),
      'Off in the file: the targets use port 873.',
    );
  const timeout = child(rsync, 'timeout');
  if (isOff(timeout) && timeout!.attrs.time)
    add(
      `<timeout time="${timeout!.attrs.time}">`,
      place(timeout!, 'start'),
      'Off in the file: Rsync Tray’s default applies.',
    );
  const ssh = child(rsync, 'ssh');
  if (isOff(ssh))
    add(
      '<ssh start="false">',
      place(ssh!, 'start'),
      'Nothing to carry over: Rsync Tray talks to rsync daemons, as this file does.',
    );

  const failLog = child(block, 'failLog');
  if (failLog)
    add(
      `<failLog path="${failLog.attrs.path ?? ''}">`,
      place(failLog, 'path'),
      'Rsync Tray retries a failed run itself, with backoff, and shows failures on the Activity screen; ' +
        'no retry script is written or run.',
    );
  const crontab = child(block, 'crontab');
  if (isOff(crontab) && crontab!.attrs.schedule)
    add(
      `<crontab start="false" schedule="${crontab!.attrs.schedule}">`,
      place(crontab!, 'start'),
      'Off in the file, so no periodic full sync: the profile’s full sync interval is 0 (off).',
    );
  const cf = child(crontab, 'crontabfilter');
  if (isOff(cf) && children(cf, 'exclude').length)
    add(
      '<crontabfilter start="false">',
      place(cf!, 'start'),
      'Off in the file; Rsync Tray uses one exclude list for live and full syncs.',
    );
  for (const plugin of children(block, 'plugin'))
    if (isOff(plugin))
      add(
        `<plugin name="${plugin.attrs.name ?? ''}">`,
        place(plugin, 'start'),
        'Off in the file; Rsync Tray has no plugins.',
      );
  for (const plugin of children(root, 'plugin'))
    add(
      `<plugin name="${plugin.attrs.name ?? ''}">`,
      place(plugin),
      'Rsync Tray has no plugins (a command or a CDN refresh after each sync); the definition is not imported.',
    );
  for (const [name, why] of Object.entries(SERSYNC_ITSELF)) {
    const e = child(root, name);
    if (e) add(`<${name}>`, place(e), why);
  }
  return out;
}

/** Every setting of one imported profile, in words, with where it came from. */
export function mappedFields(profile: Profile, places: ReadonlyMap<string, string>): ImportMappedField[] {
  const at = (key: string, fallback = DEFAULT) => places.get(key) ?? fallback;
  const fields: ImportMappedField[] = [
    { field: 'Name', value: profile.name, from: `${at('name')} (the folder’s name)` },
    { field: 'Source', value: profile.source, from: at('source') },
  ];
  profile.targets.forEach((t, n) => {
    const k = (f: string) => `targets.${n}.${f}`;
    const label = profile.targets.length === 1 ? 'Target' : `Target ${n + 1}`;
    fields.push(
      { field: `${label} host`, value: t.host, from: at(k('host')) },
      { field: `${label} port`, value: String(t.port), from: at(k('port'), `${DEFAULT} (873)`) },
      { field: `${label} module`, value: t.module, from: at(k('module')) },
    );
    if (t.path) fields.push({ field: `${label} sub-path`, value: t.path, from: at(k('path')) });
    fields.push({ field: `${label} user`, value: t.user ?? 'none', from: at(k('user'), `${DEFAULT} (no login)`) });
    fields.push({
      field: `${label} password`,
      value: t.auth.type === 'passwordFile' ? `password file ${t.auth.path}` : 'none',
      from: at(k('auth'), `${DEFAULT} (no login)`),
    });
  });
  fields.push(
    {
      field: 'Bandwidth limit',
      value: profile.bandwidthLimit ? describeBandwidth(profile.bandwidthLimit) : 'no limit',
      from: profile.bandwidthLimit ? at('bandwidthLimit') : 'no --bwlimit in <commonParams>',
    },
    {
      field: 'Compression',
      value: profile.compress ? 'on' : 'off',
      from: profile.compress ? `${at('compress')} (-z)` : 'no -z in <commonParams>',
    },
    {
      field: 'Excludes',
      value: profile.excludes.length
        ? `${plural(profile.excludes.length, 'pattern')}: ${profile.excludes.join(', ')}`
        : 'none',
      from: profile.excludes.length
        ? uniquePlaces(profile.excludes.map((_, i) => at(`excludes.${i}`)))
        : 'no <exclude> in a <filter start="true">',
    },
    {
      field: 'Deletions',
      value: profile.deletions ? 'made on the backup too' : 'kept on the backup',
      from: at('deletions', 'no <inotify><delete>: sersync’s default (deletions are made)'),
    },
    {
      field: 'Full sync',
      value: profile.fullSyncIntervalMinutes ? `every ${formatCount(profile.fullSyncIntervalMinutes)} min` : 'off',
      from: at('fullSyncIntervalMinutes', 'no <crontab start="true">: off, as in sersync'),
    },
    { field: 'Timeout', value: `${formatCount(profile.timeoutSeconds)} s`, from: at('timeoutSeconds') },
    {
      field: 'Quiet time (debounce)',
      value: `${formatCount(profile.debounceMs)} ms`,
      from: 'sersync has no such setting: Rsync Tray’s default',
    },
  );
  return fields;
}

/** "line 7 <exclude expression>" ×4 → "lines 7, 8, 9, 10 <exclude expression>". */
function uniquePlaces(places: string[]): string {
  const byElement = new Map<string, string[]>();
  for (const p of new Set(places)) {
    const m = /^line (\d+) (<.*>)$/.exec(p);
    const [line, element] = m ? [m[1]!, m[2]!] : ['', p];
    byElement.set(element, [...(byElement.get(element) ?? []), line]);
  }
  return [...byElement]
    .map(([element, lines]) =>
      lines[0] === '' ? element : `${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')} ${element}`,
    )
    .join('; ');
}

export type { ImportMapping };
