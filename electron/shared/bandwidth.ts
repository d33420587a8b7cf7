/**
 * Bandwidth limits as people write them ("5M", "5 MiB/s", "5MB/s", "640k", "off"), turned into
 * rsync's --bwlimit. Units follow rsync's own rules (man rsync, --max-size): a single letter or
 * "iB" is binary (5M = 5 MiB), a two-letter suffix ending in B is decimal (5MB = 5,000,000 bytes),
 * case does not matter. A bare number is refused: rsync reads it as KiB/s, while people mean MB/s
 * ("5" for "5 MB/s" would throttle a backup to 5 KiB/s), so we make them say which.
 */

export interface Bandwidth {
  /** The limit the user asked for, in bytes per second; 0 = unlimited. */
  bytesPerSecond: number;
  /**
   * The --bwlimit value, or null when unlimited: whole KiB/s with a `K` suffix (e.g. `5120K`),
   * rounded like rsync does ((bytes + 512) / 1024). The suffix is accepted since rsync 3.1.0,
   * which the engine needs anyway (--info=progress2), and keeps logs unambiguous.
   */
  rsyncArg: string | null;
  /** For the UI: "5 MiB/s", "5 MB/s", "unlimited". */
  label: string;
}

export type BandwidthResult = { ok: true; value: Bandwidth } | { ok: false; message: string };

const UNLIMITED_WORDS = new Set(['', '0', 'unlimited', 'off', 'none', 'no limit']);

interface Unit {
  bytes: number;
  label: string;
}

/** Key: the unit as written, lower-cased, without "/s". */
const UNITS: Readonly<Record<string, Unit>> = {
  b: { bytes: 1, label: 'B/s' },
  k: { bytes: 1024, label: 'KiB/s' },
  kib: { bytes: 1024, label: 'KiB/s' },
  kb: { bytes: 1000, label: 'kB/s' },
  m: { bytes: 1024 ** 2, label: 'MiB/s' },
  mib: { bytes: 1024 ** 2, label: 'MiB/s' },
  mb: { bytes: 1000 ** 2, label: 'MB/s' },
  g: { bytes: 1024 ** 3, label: 'GiB/s' },
  gib: { bytes: 1024 ** 3, label: 'GiB/s' },
  gb: { bytes: 1000 ** 3, label: 'GB/s' },
};

/** rsync rounds to whole KiB and rejects less than 512 bytes/s ("too small (min: 512 or 0 for unlimited)"). */
const MIN_BYTES = 512;
/** rsync keeps the limit as a C int of KiB/s; stay far below overflow. No link is 1 TiB/s. */
const MAX_BYTES = 1024 ** 4;

// number, optional space, unit, optional "/s", "/sec", "ps" (as in "5MBps").
const PATTERN = /^(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*?)\s*(?:\/\s*s(?:ec(?:ond)?)?|ps)?$/;

const fmtInt = (n: number): string => n.toLocaleString('en-US');
const fmtNum = (n: number): string => String(Number(n.toFixed(3)));

export function parseBandwidth(text: string): BandwidthResult {
  const input = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (UNLIMITED_WORDS.has(input)) return { ok: true, value: { bytesPerSecond: 0, rsyncArg: null, label: 'unlimited' } };

  // Network people write bits ("10Mbit", "10 Mbps"); rsync limits bytes. A lower-case "bps" is
  // bits by convention, while "MBps" is bytes. Say the byte figure instead of guessing.
  if (/bit/i.test(text) || /bps\s*$/.test(text)) return bitsMessage(text.trim());

  const m = PATTERN.exec(input);
  if (!m) {
    return {
      ok: false,
      message:
        `"${text.trim()}" is not a bandwidth. Write e.g. ` +
        `5M (5 MiB/s), 640K (640 KiB/s), 5MB/s (5,000,000 bytes/s), or leave empty for no limit.`,
    };
  }
  const amount = Number(m[1]);
  const unitText = m[2] ?? '';
  if (amount === 0) return { ok: true, value: { bytesPerSecond: 0, rsyncArg: null, label: 'unlimited' } };
  if (unitText === '') {
    const n = fmtNum(amount);
    return {
      ok: false,
      message:
        `"${text.trim()}" has no unit (rsync would read it as ${n} KiB/s): ` +
        `write ${n}M for ${n} MiB/s or ${n}K for ${n} KiB/s.`,
    };
  }
  const unit = UNITS[unitText];
  if (!unit) {
    return {
      ok: false,
      message:
        `Unknown unit "${unitText}" in "${text.trim()}". ` +
        `Use K, M or G (KiB/MiB/GiB per second) or KB, MB, GB (1000-based).`,
    };
  }
  const bytesPerSecond = Math.round(amount * unit.bytes);
  if (bytesPerSecond < MIN_BYTES) {
    return {
      ok: false,
      message: `"${text.trim()}" is below rsync's smallest limit of 1 KiB/s (write at least 1K, or 0 for no limit).`,
    };
  }
  if (bytesPerSecond > MAX_BYTES) {
    return {
      ok: false,
      message: `"${text.trim()}" is larger than any link (over 1 TiB/s); leave it empty for no limit.`,
    };
  }
  const kib = Math.floor((bytesPerSecond + 512) / 1024);
  return { ok: true, value: { bytesPerSecond, rsyncArg: `${kib}K`, label: `${fmtNum(amount)} ${unit.label}` } };
}

function bitsMessage(raw: string): BandwidthResult {
  const m = /^(\d+(?:\.\d*)?|\.\d+)\s*([kmg]?)/i.exec(raw);
  const prefix = (m?.[2] ?? '').toLowerCase();
  const bytes = m ? (Number(m[1]) * 1000 ** ['', 'k', 'm', 'g'].indexOf(prefix)) / 8 : 0;
  const equivalent = bytes > 0 ? ` ${raw} is ${fmtInt(bytes)} bytes/s, i.e. ${fmtNum(bytes / 1e6)}MB.` : '';
  return { ok: false, message: `"${raw}" is in bits, but rsync limits bytes per second.${equivalent}` };
}

/** One line for the UI: "5M = 5 MiB/s = 5,242,880 bytes per second", or why it is not valid. */
export function describeBandwidth(text: string): string {
  const r = parseBandwidth(text);
  if (!r.ok) return r.message;
  const { bytesPerSecond, label, rsyncArg } = r.value;
  const shown = text.trim() === '' ? '(empty)' : text.trim();
  if (bytesPerSecond === 0) return `${shown} = no limit`;
  const base = `${shown} = ${label} = ${fmtInt(bytesPerSecond)} bytes per second`;
  // rsync works in whole KiB/s; say so when that changes the number.
  const kib = Number(rsyncArg?.slice(0, -1));
  return kib * 1024 === bytesPerSecond ? base : `${base} (rsync rounds it to ${fmtInt(kib)} KiB/s)`;
}
