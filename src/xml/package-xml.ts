/**
 * The package XML of a trâmite (docs/pacote-xml.md, federation/schemas/pacote.xsd): its model,
 * the deterministic builder, the reader, and the mapping from what Elo stores.
 */
export * from './package/model.ts';
export { buildPackageXml } from './package/build.ts';
export { readPackageXml } from './package/read.ts';
export { pacoteFromStoredTramite, type StoredTramite } from './package/from-stored.ts';
