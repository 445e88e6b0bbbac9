/**
 * Text a caller sent, cut before it is echoed in a log line, an error message or an event:
 * a field may carry up to the body limit (1 MB and more), and repeating it verbatim would let one
 * request write megabytes to the operational log and to the store.
 */

/** Characters of caller-supplied text kept when it is echoed (stated in README). */
export const ECHO_LIMIT = 200;

/**
 * The text itself when short, else its first `max` characters and a marker saying how many were
 * left out, so a reader knows the value was longer.
 * @example clip('x'.repeat(1000)) // 'xxx…x…[+800 caracteres omitidos]'
 */
export function clip(text: string, max: number = ECHO_LIMIT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[+${text.length - max} caracteres omitidos]`;
}
