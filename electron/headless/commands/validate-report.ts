/**
 * `rsync-tray validate --json`: one JSON object on stdout, for a pipeline. Its shape is this zod
 * schema, a documented and stable contract (README "validate --json"): fields are only ever
 * added, never renamed or removed, and `format` says which version of it this is.
 */
import { z } from 'zod';
import type { ErrorInfo } from '../../shared/errors.ts';
import { type Profile, targetKey } from '../../shared/profile-schema.ts';

export const VALIDATE_REPORT_FORMAT = 1;

export const ValidateReportSchema = z.strictObject({
  format: z.literal(VALIDATE_REPORT_FORMAT),
  /** The main config file. */
  config: z.string(),
  /** true: the config (and conf.d) is valid; problems may still list what this machine lacks. */
  valid: z.boolean(),
  profiles: z.array(
    z.strictObject({
      name: z.string(),
      /** Where it is written: the main file's name, or `conf.d/NAME.json`. */
      file: z.string(),
      enabled: z.boolean(),
      source: z.string(),
      targets: z.array(z.string()),
    }),
  ),
  /** What this machine lacks for the valid config (exit 1), each a sentence. */
  problems: z.array(z.string()),
  /** Why the config is not valid (exit 2); null when it is. */
  error: z.strictObject({ code: z.string(), message: z.string(), hint: z.string() }).nullable(),
});
export type ValidateReport = z.infer<typeof ValidateReportSchema>;

export function validateReport(o: {
  config: string;
  profiles: readonly { profile: Profile; file: string }[];
  problems: readonly string[];
  error: ErrorInfo | null;
}): ValidateReport {
  return {
    format: VALIDATE_REPORT_FORMAT,
    config: o.config,
    valid: o.error === null,
    profiles: o.profiles.map(({ profile: p, file }) => ({
      name: p.name,
      file,
      enabled: p.enabled,
      source: p.source,
      targets: p.targets.map((t) => targetKey(t)),
    })),
    problems: [...o.problems],
    error: o.error,
  };
}
