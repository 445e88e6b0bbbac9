/**
 * The one error catalogue (ARCHITECTURE: "One error catalogue"). Every failure Elo reports has a
 * stable `code` (never renamed, never reused), an HTTP status and, for the Tramita-compatible
 * face, the `codigoErro` of spec §8.4/§8.5. Messages are Portuguese and say what was wrong and
 * what to do; they are written where the error is raised, because only there are the facts known
 * (which document, which hash, which certificate).
 */
export const errorCatalogue = {
  // Reference codes (spec §8.4)
  validation_failed: { status: 400, codigoErro: '0001' },
  malformed_json: { status: 400, codigoErro: '0001' },
  structure_unavailable: { status: 400, codigoErro: '0005' },
  tramite_already_open: { status: 409, codigoErro: '0044' },
  document_hash_mismatch: { status: 400, codigoErro: '0047' },
  structure_not_in_repository: { status: 404, codigoErro: '0055' },
  // Hub codes (spec §8.5)
  certificate_missing: { status: 401, codigoErro: '9001' },
  certificate_refused: { status: 403, codigoErro: '9001' },
  not_authorised: { status: 403, codigoErro: '9002' },
  not_found: { status: 404, codigoErro: '9003' },
  situacao_conflict: { status: 409, codigoErro: '9004' },
  part_beyond_size: { status: 400, codigoErro: '9005' },
  component_mismatch: { status: 400, codigoErro: '9006' },
  receipt_signature_invalid: { status: 400, codigoErro: '9007' },
  protocolo_mismatch: { status: 400, codigoErro: '9008' },
  especie_mismatch: { status: 400, codigoErro: '9009' },
  document_order_invalid: { status: 400, codigoErro: '9010' },
  replay_impossible: { status: 409, codigoErro: '9011' },
  not_implemented: { status: 501, codigoErro: '9012' },
  // Elo's own codes (9013+), reserved in order of creation
  payload_too_large: { status: 413, codigoErro: '9013' },
  concurrent_update: { status: 409, codigoErro: '9014' },
  admin_token_invalid: { status: 401, codigoErro: '9015' },
  large_body_busy: { status: 503, codigoErro: '9016' },
  component_too_large: { status: 413, codigoErro: '9017' },
  part_too_large: { status: 413, codigoErro: '9018' },
  storage_quota_exceeded: { status: 413, codigoErro: '9019' },
  insufficient_storage: { status: 507, codigoErro: '9020' },
  component_purged: { status: 410, codigoErro: '9021' },
  too_many_requests: { status: 429, codigoErro: '9022' },
  admin_token_rate_limited: { status: 429, codigoErro: '9023' },
  participant_inactive: { status: 403, codigoErro: '9024' },
  registry_conflict: { status: 409, codigoErro: '9025' },
  already_registered: { status: 409, codigoErro: '9026' },
  codelist_code_used: { status: 409, codigoErro: '9027' },
  codelist_entry_kept: { status: 409, codigoErro: '9028' },
  codelist_append_only: { status: 409, codigoErro: '9029' },
  codelist_name_taken: { status: 409, codigoErro: '9030' },
  // Preflight only (README "Pré-verificação"): what the recipient system declared or mapped; never refused at start
  especie_unmapped: { status: 400, codigoErro: '9032' },
  hipotese_unmapped: { status: 400, codigoErro: '9033' },
  mime_type_not_accepted: { status: 400, codigoErro: '9034' },
  component_above_recipient_limit: { status: 400, codigoErro: '9035' },
  envio_parcial_unsupported: { status: 400, codigoErro: '9036' },
  dashboard_csrf_invalid: { status: 403, codigoErro: '9050' },
  // Webhooks (README "Notificações por webhook")
  webhook_url_refused: { status: 400, codigoErro: '9045' },
  webhook_not_dead: { status: 409, codigoErro: '9046' },
  webhooks_unavailable: { status: 503, codigoErro: '9047' },
  // Package XML (docs/pacote-xml.md)
  package_xml_malformed: { status: 400, codigoErro: '9063' },
  package_xml_invalid: { status: 400, codigoErro: '9064' },
  package_model_invalid: { status: 500, codigoErro: '9065' },
  stored_package_unreadable: { status: 500, codigoErro: '9066' },
  // Hardened XML and XML signatures (issue 11; src/xml/guard.ts, src/xml/xmldsig*.ts)
  xml_doctype_refused: { status: 400, codigoErro: '9051' },
  xml_entity_refused: { status: 400, codigoErro: '9052' },
  xml_processing_instruction_refused: { status: 400, codigoErro: '9053' },
  xml_comment_refused: { status: 400, codigoErro: '9054' },
  xml_too_deep: { status: 400, codigoErro: '9055' },
  xml_too_large: { status: 413, codigoErro: '9056' },
  xml_too_many_elements: { status: 413, codigoErro: '9057' },
  xml_malformed: { status: 400, codigoErro: '9058' },
  xml_signature_form_refused: { status: 400, codigoErro: '9059' },
  xml_signature_invalid: { status: 400, codigoErro: '9060' },
  xml_signature_digest_mismatch: { status: 400, codigoErro: '9061' },
  xml_signature_wrong_certificate: { status: 400, codigoErro: '9062' },
  // Sender-signed packages on the native face (issue 11 item 3; README "Pacotes assinados na face nativa")
  signed_package_refused: { status: 400, codigoErro: '9081' },
  signed_package_absent: { status: 404, codigoErro: '9082' },
  // Evidence: hub seals and dossiês (issue 11; src/services/evidence)
  dossie_unavailable: { status: 409, codigoErro: '9073' },
  sender_package_unverifiable: { status: 500, codigoErro: '9074' },
  request_aborted: { status: 408, codigoErro: '9083' },
  unavailable: { status: 503, codigoErro: '9998' },
  internal_error: { status: 500, codigoErro: '9999' },
} as const satisfies Record<string, { status: number; codigoErro: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** A catalogued failure. Thrown (or returned) by services; rendered once by the HTTP layer. */
export class EloError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly codigoErro: string;
  /** Portuguese text shown to people (SEI shows it verbatim: spec §1.5.7). */
  readonly mensagem: string;
  /** Machine-readable facts behind the message (paths, hashes, ids). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, mensagem: string, details?: Record<string, unknown>) {
    super(`${code}: ${mensagem}`);
    this.name = 'EloError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.codigoErro = errorCatalogue[code].codigoErro;
    this.mensagem = mensagem;
    this.details = details;
  }
}

export const isEloError = (e: unknown): e is EloError => e instanceof EloError;
