/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (what `/metrics` answers), for
 * tests: prom-client does not expose a parser. Every line must be a `# HELP`, a `# TYPE` or a
 * sample of a family already typed (or empty, which the format ignores); anything else throws,
 * naming the line.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
  /** The value of one series (labels matched exactly), or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (\\S+)(?: (-?\\d+))?$`);
// Go's ParseFloat, which Prometheus reads values with, takes NaN and Inf in any case (prom-client writes "Nan")
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|nan|[+-]?inf)$/i;

export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    if (line === '') return; // the format ignores empty lines (prom-client separates families with one)
    if (line.startsWith('#')) {
      const m = new RegExp(`^# (HELP|TYPE) (${NAME})(?: (.*))?$`).exec(line);
      if (!m) throw new Error(`bad comment, ${where}`);
      if (m[1] === 'TYPE') {
        if (!/^(counter|gauge|histogram|summary|untyped)$/.test(m[3] ?? '')) throw new Error(`bad type, ${where}`);
        if (types.has(m[2]!)) throw new Error(`type declared twice, ${where}`);
        types.set(m[2]!, m[3]!);
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample, ${where}`);
    const name = m[1]!;
    const family = [name, name.replace(/_(bucket|sum|count|total|created)$/, '')].find((n) => types.has(n));
    if (!family) throw new Error(`sample of an untyped family, ${where}`);
    if (!VALUE.test(m[m.length - 2]!)) throw new Error(`bad value, ${where}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(new RegExp(LABEL, 'g'))) {
      if (l[1]! in labels) throw new Error(`label repeated, ${where}`);
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const raw = m[m.length - 2]!;
    samples.push({ name, labels, value: /^nan$/i.test(raw) ? NaN : /inf$/i.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw) });
  });
  return {
    types,
    samples,
    value(name, labels = {}) {
      const want = Object.entries(labels);
      return samples.find(
        (s) => s.name === name && Object.keys(s.labels).length === want.length && want.every(([k, v]) => s.labels[k] === v),
      )?.value;
    },
  };
}
