/**
 * `rsync-tray status --json`: the engine's ProfileStatus[] (shared/status.ts), of which these
 * fields are the documented, stable part (README "status --json"): a script may rely on them,
 * they are only ever added to, never renamed or removed. Other fields are there too but may change;
 * the schema lets them through (loose objects) so a newer engine never fails an older script.
 */
import { z } from 'zod';
import { SYNC_STATES } from '../../shared/status.ts';

const epochMs = z.number().int().nonnegative().nullable();
const error = z.looseObject({ code: z.string(), message: z.string(), hint: z.string() }).nullable();

export const TargetStatusJsonSchema = z.looseObject({
  key: z.string(),
  state: z.enum(SYNC_STATES),
  pending: z.number().int().nonnegative(),
  lastSuccessAt: epochMs,
  lastError: error,
  retry: z.looseObject({ attempt: z.number().int(), nextAt: z.number() }).nullable(),
  hold: z.looseObject({ deletions: z.number().int(), since: z.number() }).nullable(),
  totals: z.looseObject({
    runs: z.number().int(),
    files: z.number().int(),
    bytes: z.number().int(),
    failures: z.number().int(),
  }),
});

export const ProfileStatusJsonSchema = z.looseObject({
  name: z.string(),
  state: z.enum(SYNC_STATES),
  pending: z.number().int().nonnegative(),
  lastSuccessAt: epochMs,
  lastError: error,
  watch: z.looseObject({ mode: z.string(), note: z.string().nullable() }),
  targets: z.array(TargetStatusJsonSchema),
});

export const StatusJsonSchema = z.array(ProfileStatusJsonSchema);
