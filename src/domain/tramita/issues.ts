/**
 * Validation issues of a Tramita body and the `0001` message built from them (spec §8.4).
 *
 * Paths are JSON paths as the sender wrote them (`processo.documentos[2].especie.codigo`). The
 * index is 0-based; whether the reference bus counts from 0 or 1 is not established, so array
 * elements of `documentos` also carry the document's own `ordem` when it is known
 * (`processo.documentos[2] (ordem 3)`), as §8.4 recommends: the ordem is what the SEI user sees.
 */

import { EloError } from '../errors.ts';

export interface ValidationIssue {
  /** JSON path of the offending field; `""` for the body itself. */
  path: string;
  /** Portuguese, completes the sentence "<path> <message>". */
  message: string;
}

/** Reporting every problem at once spares the sender a fix-and-resend loop per field, but a
 * hostile or broken body could yield millions of issues: the list is capped. */
export const MAX_ISSUES = 50;

/** The one place the spec §8.4 sentence is written; every `0001` message starts with it. */
const INTRO = 'Os seguintes erros de validação de campos foram identificados';

/**
 * The `mensagem` of a `0001` error (spec §8.4 reference text), one "- <path> <message>" per issue
 * (just "- <message>" when the path is `""`). `where` narrows the sentence to what was read
 * ("no arquivo de NREs") when the issues are not about a request body.
 *
 * @example
 * formatValidationIssues([{ path: 'processo.protocolo', message: 'é obrigatório' }]);
 * // "Os seguintes erros de validação de campos foram identificados:
 * //  - processo.protocolo é obrigatório" (on one line)
 */
export function formatValidationIssues(issues: ValidationIssue[], where?: string): string {
  const items = issues.map((i) => `- ${i.path === '' ? '' : `${i.path} `}${i.message}`);
  return [`${INTRO}${where ? ` ${where}` : ''}:`, ...items].join(' ');
}

/**
 * The `0001` refusal (spec §8.4) for one or more issues, so no caller writes the sentence itself.
 *
 * @example
 * throw validationFailed({ path: 'sistema', message: 'é obrigatório' });
 * // mensagem: "Os seguintes erros de validação de campos foram identificados: - sistema é obrigatório"
 */
export function validationFailed(
  issues: ValidationIssue | ValidationIssue[],
  details?: Record<string, unknown>,
): EloError {
  return new EloError('validation_failed', formatValidationIssues(Array.isArray(issues) ? issues : [issues]), details);
}

/** Collects issues while a body is walked; keeps the first ones and counts the rest. */
export class IssueSink {
  readonly #issues: ValidationIssue[] = [];
  #overflow = 0;

  add(path: string, message: string): void {
    if (this.#issues.length < MAX_ISSUES) this.#issues.push({ path, message });
    else this.#overflow += 1;
  }

  get empty(): boolean {
    return this.#issues.length === 0;
  }

  /** At most MAX_ISSUES entries; when more were found, the last one says how many were left out. */
  list(): ValidationIssue[] {
    if (this.#overflow === 0) return [...this.#issues];
    const kept = this.#issues.slice(0, MAX_ISSUES - 1);
    const omitted = this.#overflow + 1;
    kept.push({
      path: '',
      message: `e mais ${omitted} ${omitted === 1 ? 'erro' : 'erros'} de validação não listados`,
    });
    return kept;
  }
}

/** `parent.key`, or `key` at the root. */
export const fieldPath = (parent: string, key: string): string =>
  parent === '' ? key : `${parent}.${key}`;

/** `parent[i]`, with ` (ordem n)` when the element's ordem is known (spec §8.4). */
export const indexPath = (parent: string, index: number, ordem?: number): string =>
  ordem === undefined ? `${parent}[${index}]` : `${parent}[${index}] (ordem ${ordem})`;
