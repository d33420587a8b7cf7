/**
 * The host side of every transport: validate the method name and its payload against the
 * contract, run the handler, and turn any failure into `{ ok: false, error }` — so a transport
 * (IPC, HTTP) is a few lines of glue that cannot skip validation.
 */
import { METHOD_INPUTS, type ApiHandlers, type Method, type Result } from '../../shared/contract.ts';
import { describeIssues } from '../config/config-file.ts';
import { RsyncTrayError, toErrorInfo } from '../../shared/errors.ts';

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.hasOwn(METHOD_INPUTS, name);
}

export async function dispatch(handlers: ApiHandlers, method: unknown, input: unknown): Promise<Result<unknown>> {
  try {
    if (!isMethod(method)) {
      throw new RsyncTrayError(
        'UNKNOWN_METHOD',
        `Unknown API method ${JSON.stringify(method)}.`,
        'The UI and the host are of different versions; restart the app.',
      );
    }
    const parsed = METHOD_INPUTS[method].safeParse(input ?? {});
    if (!parsed.success) {
      throw new RsyncTrayError(
        'BAD_REQUEST',
        `Bad request to ${method}: ${describeIssues(parsed.error.issues, input).join('; ')}`,
        'This is a bug in the UI; please report it.',
      );
    }
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
