import type { Name } from '../x509.ts';

/** Display names for attribute types, as OpenSSL's `-nameopt RFC2253` prints them. */
const DISPLAY: Record<string, string> = {
  E: 'emailAddress',
  G: 'GN',
  I: 'initials',
  T: 'title',
  '2.5.4.5': 'serialNumber',
  '2.5.4.9': 'street',
  '2.5.4.17': 'postalCode',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
};

type JsonRdn = Record<string, string[]>;

const displayType = (type: string): string =>
  Object.hasOwn(DISPLAY, type) ? DISPLAY[type]! : type;

const rdnsOf = (name: Name): JsonRdn[] => name.toJSON() as JsonRdn[];

const escapeValue = (value: string): string =>
  value
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');

/**
 * RFC 4514 string: the most specific RDN first (`CN=sei.exemplo.gov.br,O=…,C=BR`), which is
 * how people read a subject and how OpenSSL prints it with `-nameopt RFC2253`.
 */
export function formatName(name: Name): string {
  return rdnsOf(name)
    .reverse()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((v) => `${displayType(type)}=${escapeValue(v)}`))
        .join('+'),
    )
    .join(',');
}

/**
 * Comparison key for names (RFC 5280 §7.1: case-insensitive, insignificant whitespace removed
 * — the same folding OpenSSL applies to its canonical encoding). Multi-valued RDNs compare as
 * sets.
 */
export function nameKey(name: Name): string {
  return rdnsOf(name)
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) =>
          values.map((v) => `${type}=${v.trim().replace(/\s+/g, ' ').toLowerCase()}`),
        )
        .sort()
        .join('+'),
    )
    .join('/');
}
