/**
 * The dashboard's one stylesheet, served from /monitor/estilo.css (the CSP allows no inline
 * style). Colours keep a contrast of at least 4.5:1 (WCAG 1.4.3, followed by eMAG).
 */
export const DASHBOARD_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,sans-serif;color:#1b1b1b;background:#f7f7f7;line-height:1.5}
a{color:#0b4f9c}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #c25400;outline-offset:2px}
.pular{position:absolute;left:-9999px}
.pular:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
header{background:#0b2e59;color:#fff;padding:.75rem 1.5rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
header a{color:#fff}
header nav ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0}
main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1.5rem}
th,td{border:1px solid #c9c9c9;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#e8edf3}
td.num{text-align:right}
.aviso{background:#fff4e5;border-left:4px solid #c25400;padding:.5rem 1rem}
.erro{background:#fdecea;border-left:4px solid #a4161a;padding:.5rem 1rem}
.ok{background:#e8f5e9;border-left:4px solid #1b5e20;padding:.5rem 1rem}
form.linha{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}
form.filtros{display:flex;gap:.75rem;flex-wrap:wrap;align-items:end;margin-bottom:1rem}
label{display:block;font-weight:600}
input,select,textarea,button{font:inherit;padding:.35rem .5rem}
button{background:#0b4f9c;color:#fff;border:0;cursor:pointer}
button.perigo{background:#a4161a}
header button{background:#fff;color:#0b2e59}
figure{margin:0 0 1.5rem 0;background:#fff;padding:.5rem}
code{word-break:break-all}
`;
