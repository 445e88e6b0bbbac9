/** How the harness talks to the Worker with the test's clock (clock-entry.ts); bundled into it, so nothing of Node here. */
export const TEST_CLOCK_HEADER = 'x-elo-teste-agora';
export const AUTO_CANCEL_PATH = '/__teste/cancelamento-automatico';
