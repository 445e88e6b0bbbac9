/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { Layout } from '../layout.tsx';

export function ErrorPage(props: { title: string; message: string; who?: AdminPrincipal | null; csrf?: string }) {
  return (
    <Layout title={props.title} who={props.who ?? null} csrf={props.csrf ?? ''}>
      <p class="erro" role="alert">
        {props.message}
      </p>
      <p>
        <a href="/monitor/">Voltar à visão geral</a>
      </p>
    </Layout>
  );
}
