import { systemErrorText } from '../domain/system-error-text.ts';

/** An unexpected failure of an `elo` command, as the command prints it. */
export const failureText = (e: unknown): string => `Falha: ${systemErrorText(e)}`;
