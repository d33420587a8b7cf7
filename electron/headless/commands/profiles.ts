/**
 * The commands about the profiles in a config file: `validate` (what each will do, what this
 * machine lacks), `test` (each target's daemon, module, login and write access), `export` and `import`.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../core/files/atomic-write.ts';
import { loadConfig, serializeConfig } from '../../core/config/config-file.ts';
import { loadConfigWithConfD } from '../../core/config/conf-d.ts';
import { validateReport } from './validate-report.ts';
import {
  applyImport,
  previewImport,
  type ConflictChoice,
  type ImportFormat,
} from '../../core/config/profile-import.ts';
import { checkPasswordFile } from '../../core/rsync/auth.ts';
import { importedProfiles, refuseMissingSources } from '../../core/service/app-service.ts';
import { testConnection, type ConnectionReport } from '../../core/service/connection-test.ts';
import { describeBandwidth } from '../../shared/bandwidth.ts';
import { cliExitCode, formatError, RsyncTrayError, toErrorInfo } from '../../shared/errors.ts';
import { CONFIG_VERSION, ConfigSchema, targetKey, type Config } from '../../shared/profile-schema.ts';
import { fileSecretStore } from '../file-stores.ts';
import { secretsFileFor } from '../paths.ts';
import { askRunningIfAny, badArgument, configFile, configOption, out, profileOption, type Command } from './common.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const validate: Command = {
  usage: 'validate [--config FILE] [--json]',
  summary: 'Check a config file (and its conf.d/) and say what each profile will do; --json for a pipeline.',
  options: { ...configOption, json: { type: 'boolean' } },
  async run(v) {
    const file = configFile(v);
    const json = v.json === true;
    let loaded: Awaited<ReturnType<typeof loadConfigWithConfD>>;
    try {
      loaded = await loadConfigWithConfD(file);
    } catch (error) {
      if (!json) throw error;
      const info = toErrorInfo(error);
      out(JSON.stringify(validateReport({ config: file, profiles: [], problems: [], error: info })));
      return cliExitCode(info.code);
    }
    const config = loaded.config;
    const from = new Map(loaded.confD.map((c) => [c.profile.name, c.file]));
    if (!json) out(`${file} is valid: ${plural(config.profiles.length, 'profile')}.`);
    for (const p of json ? [] : config.profiles) {
      out(
        `  ${p.name}${p.enabled ? '' : ' (disabled)'}: ` +
          `${p.source} → ${p.targets.map((t) => targetKey(t)).join(', ')}`,
      );
      out(
        `    bandwidth: ${p.bandwidthLimit ? describeBandwidth(p.bandwidthLimit) : 'unlimited'}; ` +
          `deletions ${p.deletions ? 'propagate' : 'are kept on the backup'}; ` +
          `${plural(p.excludes.length, 'exclude')}; ` +
          `${p.fullSyncIntervalMinutes ? `full sync every ${p.fullSyncIntervalMinutes} min` : 'no periodic full sync'}`,
      );
    }
    // The file is valid; is this machine ready for it? (What `run` would stop at.)
    const problems: string[] = [];
    for (const p of config.profiles.filter((x) => x.enabled)) {
      const source = await stat(p.source).catch(() => null);
      if (!source?.isDirectory())
        problems.push(
          `[${p.name}] the source folder ${p.source} is missing or not a folder — ` +
            `create or mount it, or fix the path.`,
        );
      for (const t of p.targets) {
        if (t.auth.type !== 'passwordFile') continue;
        await checkPasswordFile(t.auth.path).catch((error: RsyncTrayError) =>
          problems.push(`[${p.name}] ${targetKey(t)}: ${formatError(error.toInfo())}`),
        );
      }
    }
    if (json) {
      const profiles = config.profiles.map((profile) => ({
        profile,
        file: from.get(profile.name) ?? path.basename(file),
      }));
      out(JSON.stringify(validateReport({ config: file, profiles, problems, error: null })));
    } else for (const line of problems) out(`PROBLEM ${line}`);
    return problems.length ? 1 : 0;
  },
};

export const test: Command = {
  usage: 'test [--config FILE] [--profile NAME]',
  summary:
    'Test each target: daemon reachable, modules listed, user/password accepted by the module, ' +
    'and the module writable (a test file is written and removed).',
  options: { ...configOption, ...profileOption },
  async run(v) {
    const file = configFile(v);
    const config = await loadConfig(file);
    const secrets = fileSecretStore(secretsFileFor(file));
    let failures = 0;
    for (const p of config.profiles.filter((x) => !v.profile || x.name === v.profile)) {
      for (const t of p.targets) {
        const report = await testConnection(t, { rsyncPath: config.settings.rsyncPath, secrets });
        const modules = report.modules.map((m) => m.name).join(', ');
        const ok = report.module === 'ok' && report.write.state === 'ok';
        out(`[${p.name}] ${targetKey(t)}: ${ok ? 'OK' : 'FAILED'}`);
        const daemon = report.reachable
          ? `reachable${modules ? `, lists modules: ${modules}` : ', lists no modules'}`
          : 'not reachable';
        out(`  daemon: ${daemon}`);
        if (report.module === 'ok') out(`  write: ${writeLine(report, t.module)}`);
        if (report.write.leftover)
          out(`  the test file ${report.write.leftover} could not be removed: delete it on the server.`);
        if (report.error) out(`  ${formatError(report.error)}`);
        if (!ok) failures++;
      }
    }
    return failures ? 1 : 0;
  },
};

/** The write probe's verdict in a few words, for `test`'s "write:" line. */
function writeLine({ write }: ConnectionReport, module: string): string {
  const where = write.folder ? `"${write.folder}"` : `the top folder of module "${module}"`;
  switch (write.state) {
    case 'ok':
      return (
        `writable (a test file was written and removed in ${where})` +
        (write.folderMissing ? '; the target folder does not exist yet, the first sync creates it' : '')
      );
    case 'read-only':
      return `refused: module "${module}" is read-only (read only = yes)`;
    case 'denied':
      return `refused: permission denied in ${where}`;
    case 'failed':
      return 'could not be tested';
    case 'skipped':
      return 'not tested';
  }
}

export const exportProfiles: Command = {
  usage: 'export [--config FILE] [--profile NAME]... [--output FILE]',
  summary: 'Write profiles as JSON (the config format; no secrets).',
  options: {
    ...configOption,
    profile: { type: 'string', short: 'p', multiple: true },
    output: { type: 'string', short: 'o' },
  },
  async run(v) {
    const config = await loadConfig(configFile(v));
    const names = v.profile as string[] | undefined;
    for (const n of names ?? [])
      if (!config.profiles.some((p) => p.name === n))
        throw new RsyncTrayError(
          'UNKNOWN_PROFILE',
          `There is no profile named "${n}".`,
          `Known profiles: ${config.profiles.map((p) => p.name).join(', ')}.`,
        );
    const json = serializeConfig(config, names);
    if (v.output) await writeFile(v.output as string, json, { mode: 0o600 });
    else process.stdout.write(json);
    return 0;
  },
};

/** The config to import into: the file, or no profiles when there is none yet. */
async function configOrEmpty(file: string): Promise<Config> {
  try {
    return await loadConfig(file);
  } catch (error) {
    if (!(error instanceof RsyncTrayError) || error.code !== 'CONFIG_NOT_FOUND') throw error;
    return ConfigSchema.parse({ version: CONFIG_VERSION });
  }
}

async function readImportFile(input: string): Promise<string> {
  try {
    return await readFile(input, 'utf8');
  } catch (error) {
    throw new RsyncTrayError(
      'CONFIG_NOT_FOUND',
      `Cannot read ${input}: ` +
        `${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`,
      'Check the path of the file to import.',
    );
  }
}

export const importProfiles: Command = {
  usage: 'import FILE [--config FILE] [--format json|sersync] [--on-conflict replace|skip|rename] [--dry-run]',
  summary: 'Add the profiles of an export (or a sersync confxml.xml) to the config; all or nothing.',
  options: {
    ...configOption,
    format: { type: 'string' },
    'on-conflict': { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  async run(v, [input]) {
    if (!input) throw badArgument('Name the file to import.', 'rsync-tray import profiles.json');
    const file = configFile(v);
    const format = ((v.format as string | undefined) ?? (input.endsWith('.xml') ? 'sersync' : 'json')) as ImportFormat;
    if (format !== 'json' && format !== 'sersync')
      throw badArgument(`Unknown format "${format}".`, 'Use --format json or --format sersync.');
    const onConflict = v['on-conflict'] as ConflictChoice | undefined;
    if (onConflict && !['replace', 'skip', 'rename'].includes(onConflict))
      throw badArgument(
        `--on-conflict must be replace, skip or rename, not "${onConflict}".`,
        'Choose one of the three.',
      );
    const config = await configOrEmpty(file);
    const text = await readImportFile(input);
    const { loadImporters } = await import('../importers.ts');
    const preview = previewImport(text, format, config, await loadImporters());
    if (preview.conflicts.length && !onConflict && !preview.problems.length) {
      throw badArgument(
        `${preview.conflicts.map((n) => `"${n}"`).join(', ')} exist${preview.conflicts.length === 1 ? 's' : ''} ` +
          `already; nothing was imported.`,
        'Say what to do with --on-conflict replace, skip or rename.',
      );
    }
    const conflicts = Object.fromEntries(preview.conflicts.map((n) => [n, onConflict])) as Record<
      string,
      ConflictChoice
    >;
    const outcome = applyImport(preview, config, conflicts);
    // The check a running engine's import makes too (app-service.ts), so both refuse alike.
    await refuseMissingSources(importedProfiles(outcome, config));
    const summary = (o: { created: string[]; replaced: string[]; skipped: string[] }) =>
      `${o.created.length} created${o.created.length ? ` (${o.created.join(', ')})` : ''}, ` +
      `${o.replaced.length} replaced, ${o.skipped.length} skipped`;
    if (v['dry-run']) {
      out(`Would import into ${file}: ${summary(outcome)}. Nothing was written (--dry-run).`);
      return 0;
    }
    // A running engine imports through its own service, so the new profiles start right away.
    const running = await askRunningIfAny(file, 'config.importApply', { text, format, conflicts });
    if (running) {
      out(`Imported into the running engine (${file}): ${summary(running.value)}.`);
      return 0;
    }
    await writeFileAtomic(file, serializeConfig(outcome.config), { uniqueTemp: true });
    out(`Imported into ${file}: ${summary(outcome)}.`);
    return 0;
  },
};
