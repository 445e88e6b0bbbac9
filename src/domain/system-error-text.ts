/**
 * A failure's text in Portuguese, for a person (an `elo` command, the start banner). Node's system errors are English
 * ("ENOENT: no such file or directory, open 'x'", "getaddrinfo ENOTFOUND host"): the common ones
 * are said in Portuguese with the path, host or address they name; anything else keeps its text.
 */
export function systemErrorText(e: unknown): string {
  const x = e as { code?: string; path?: string; hostname?: string; address?: string; port?: number; syscall?: string; message?: string };
  const where = x.path ?? x.hostname ?? (x.address ? `${x.address}${x.port ? `:${x.port}` : ''}` : '');
  const said: Record<string, string> = {
    ENOENT: `arquivo ou pasta não encontrado: ${where}`,
    EACCES: `sem permissão para acessar ${where}`,
    EPERM: `operação não permitida em ${where}`,
    EISDIR: `${where} é uma pasta, e não um arquivo`,
    ENOTDIR: `${where}: parte do caminho não é uma pasta`,
    EEXIST: `${where} já existe`,
    ENOSPC: `sem espaço em disco ao gravar ${where}`.trimEnd(),
    ENOTFOUND: `o nome "${where}" não foi encontrado (DNS)`,
    EAI_AGAIN: `o nome "${where}" não pôde ser resolvido agora (DNS): tente de novo`,
    ECONNREFUSED: `conexão recusada em ${where} (o servidor está no ar e aceita conexões?)`,
    ETIMEDOUT: `tempo esgotado ao conectar a ${where}`.trimEnd(),
    ECONNRESET: 'a conexão foi interrompida pelo outro lado',
    // TLS, as Node names the failures of a server certificate (the hub's, seen by a client)
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'o certificado do servidor não foi emitido pela AC informada (--ac)',
    SELF_SIGNED_CERT_IN_CHAIN: 'o certificado do servidor não foi emitido pela AC informada (--ac)',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'o certificado do servidor é autoassinado e não é o da AC informada (--ac)',
    CERT_HAS_EXPIRED: 'o certificado do servidor expirou',
    ERR_TLS_CERT_ALTNAME_INVALID: `o certificado do servidor não vale para o nome usado no endereço${x.hostname ? ` (${x.hostname})` : ''}: use um nome que ele traz (veja ELO_HOSTNAMES no hub)`,
    UND_ERR_CONNECT_TIMEOUT: 'tempo esgotado ao conectar ao servidor',
    UND_ERR_SOCKET: 'a conexão foi interrompida pelo outro lado',
  };
  const known = x.code ? said[x.code] : undefined;
  // the fetch standard's port blocklist (undici): "bad port"
  if (!known && x.message === 'bad port') return 'porta bloqueada pelo cliente HTTP (portas de outros serviços, como 1 ou 25, não são aceitas): use a porta do hub, ex.: 8443';
  return known ?? (e instanceof Error ? e.message : String(e));
}
