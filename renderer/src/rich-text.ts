/**
 * Messages from the engine mark names and commands with backticks, as Markdown does:
 * "Unknown module `bakup` on 127.0.0.1:873." This splits such a message into plain text and code
 * spans, so the window shows `bakup` in a code face and never the backticks themselves. Pure (no
 * DOM, no Vue): tested under Node.
 */

export interface TextPart {
  code: boolean;
  text: string;
}

/**
 * Plain and code parts, in order. A backtick with no partner is kept as text: a file name may hold
 * one, and dropping it would show a name that is not the file's.
 */
export function richParts(message: string): TextPart[] {
  const parts: TextPart[] = [];
  const push = (code: boolean, text: string) => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last && last.code === code && !code) last.text += text;
    else parts.push({ code, text });
  };
  let rest = message;
  for (;;) {
    const open = rest.indexOf('`');
    const close = open < 0 ? -1 : rest.indexOf('`', open + 1);
    // An empty span (``) is two backticks, not a code span: shown as they are.
    if (open < 0 || close < 0 || close === open + 1) {
      push(false, rest);
      return parts;
    }
    push(false, rest.slice(0, open));
    push(true, rest.slice(open + 1, close));
    rest = rest.slice(close + 1);
  }
}

/** The message as a person reads it in plain text (a title attribute, a search): no backticks. */
export function plainText(message: string): string {
  return richParts(message)
    .map((p) => p.text)
    .join('');
}
