/**
 * Who may set a hook's command. It runs a program on this machine as the engine's user — root,
 * for a system service — so it is set only by whoever can write the config file (or a conf.d
 * file). Through the API (the window, served or not, and imports) a profile's command can be kept
 * as it is or removed, never set or changed: holding the served window's token must not amount to
 * running programs as the service. The ping URL is not a program and stays editable.
 */
import { RsyncTrayError } from '../../shared/errors.ts';
import type { Profile } from '../../shared/profile-schema.ts';

const HOW = 'Write it in the config file (or a conf.d file) on the machine itself; the engine reads it on start.';

/** Throws unless `incoming`'s hook command is absent or the one `was` already has. */
export function assertHookCommandKept(incoming: Profile, was: Profile | undefined): void {
  const command = incoming.hooks?.command;
  if (command === undefined || command === was?.hooks?.command) return;
  throw new RsyncTrayError(
    'HOOK_COMMAND_REFUSED',
    `The profile "${incoming.name}" would ${was?.hooks?.command ? 'change' : 'set'} its hook command here; ` +
      'a hook command runs a program on this machine, so the window and imports cannot set one. Nothing was saved.',
    HOW,
  );
}

/** The import's profiles that bring a hook command (named in the preview as a problem). */
export function importedHookProblems(profiles: readonly Profile[], existing: readonly Profile[]): string[] {
  const byName = new Map(existing.map((p) => [p.name.toLowerCase(), p]));
  return profiles
    .filter(
      (p) => p.hooks?.command !== undefined && p.hooks.command !== byName.get(p.name.toLowerCase())?.hooks?.command,
    )
    .map(
      (p) =>
        `profiles: "${p.name}" brings a hook command (hooks.command); an import cannot set one, as it runs a ` +
        `program on this machine. Remove hooks.command from the file and import again, then ${HOW.charAt(0).toLowerCase()}${HOW.slice(1)}`,
    );
}
