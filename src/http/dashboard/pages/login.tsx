/** @jsxImportSource hono/jsx */
import { Layout } from '../layout.tsx';

/** The login form: a monitor, participant or admin token, posted (never in the address). */
export function LoginPage(props: { erro?: string | null; saiu?: boolean }) {
  return (
    <Layout title="Entrar">
      {props.erro ? (
        <p class="erro" role="alert">
          {props.erro}
        </p>
      ) : null}
      {props.saiu ? <p class="ok">Sessão encerrada.</p> : null}
      <p>Entre com um token de monitoramento, de administração de participante ou de administração da federação.</p>
      <form method="post" action="/monitor/entrar">
        <label for="token">Token de acesso</label>
        <input id="token" name="token" type="password" autocomplete="off" required size={50} />
        <p>
          <button type="submit">Entrar</button>
        </p>
      </form>
    </Layout>
  );
}
