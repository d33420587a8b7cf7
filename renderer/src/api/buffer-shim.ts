/**
 * electron/core/exclude-rules.ts (which ProfileSchema uses to check exclude patterns) converts
 * strings to UTF-8 bytes with Node's `Buffer.from(s, 'utf8').toString('latin1')`. Browsers have no
 * Buffer, so the editor would throw on the first exclude pattern. Until that line uses
 * TextEncoder, this provides exactly that one conversion, and nothing else of Buffer.
 */
const encoder = new TextEncoder();

interface Latin1Only {
  from(text: string, encoding: 'utf8'): { toString(encoding: 'latin1'): string };
}

export function installBufferShim(target: Record<string, unknown> = globalThis as unknown as Record<string, unknown>): void {
  if (target.Buffer !== undefined) return;
  const shim: Latin1Only = {
    from(text, encoding) {
      if (encoding !== 'utf8') throw new Error(`Buffer shim: only utf8 input is supported, not ${encoding}`);
      const bytes = encoder.encode(text);
      return {
        toString(out) {
          if (out !== 'latin1') throw new Error(`Buffer shim: only latin1 output is supported, not ${out}`);
          let s = '';
          for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
          return s;
        },
      };
    },
  };
  target.Buffer = shim;
}
