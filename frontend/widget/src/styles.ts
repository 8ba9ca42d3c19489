import type { WidgetConfig } from './config';

// `:host { all: initial !important }` stops the page's inherited and host styles at the shadow
// boundary (inside the shadow tree an !important :host rule beats the page's own rules); the
// shadow tree keeps ours from reaching the page. Colours are validated hex values (config.ts).
export function stylesFor(config: WidgetConfig): string {
  return `:host{all:initial!important}
*{box-sizing:border-box}
[hidden]{display:none!important}
.root{--p:${config.colors.primary};--op:${config.colors.onPrimary};position:fixed;bottom:20px;${config.position}:20px;z-index:2147483000;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;text-align:left}
button,input,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer}
:focus-visible{outline:3px solid #1f2328;outline-offset:2px;box-shadow:0 0 0 5px #fff}
.launcher{width:56px;height:56px;border-radius:50%;border:0;padding:0;background:var(--p);color:var(--op);box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}
.launcher img{width:100%;height:100%;border-radius:50%;object-fit:cover}
.panel{position:absolute;bottom:72px;${config.position}:0;width:360px;max-width:calc(100vw - 40px);max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}
.head{display:flex;align-items:center;gap:8px;padding:10px 8px 10px 16px;background:var(--p);color:var(--op)}
.head h2{flex:1;margin:0;font-size:17px;font-weight:600}
.head img{height:28px;max-width:96px;object-fit:contain}
.close{width:44px;height:44px;border:0;border-radius:8px;background:transparent;font-size:26px;line-height:1}
.body{overflow:auto;padding:16px;display:flex;flex-direction:column;gap:12px}
.greeting{display:flex;gap:8px;align-items:flex-start}
.greeting img{width:36px;height:36px;border-radius:50%;object-fit:cover}
.greeting p{margin:0;padding:10px 12px;border-radius:12px;background:#f1f3f5}
.quick{display:flex;flex-wrap:wrap;gap:6px}
.quick button{padding:6px 12px;border:1px solid var(--p);border-radius:16px;background:#fff;color:var(--p);min-height:36px}
form{display:flex;flex-direction:column;gap:10px;margin:0}
.field{display:flex;flex-direction:column;gap:4px}
label{font-size:14px;font-weight:600}
.opt{font-weight:400;color:#57606a}
input,textarea{width:100%;padding:10px 12px;border:1px solid #8c959f;border-radius:8px;background:#fff;font-size:16px}
textarea{min-height:80px;resize:vertical}
[aria-invalid=true]{border-color:#cf222e}
.error,.alert{margin:0;color:#cf222e;font-size:14px}
.consent{display:flex;gap:8px;align-items:flex-start;font-size:13px}
.consent input{flex:none;width:20px;height:20px;margin:2px 0}
.consent label{font-size:13px;font-weight:400}
.consent a,.channels a{color:var(--p)}
.hint{margin:0;font-size:13px;color:#57606a}
.submit{min-height:44px;padding:12px;border:0;border-radius:8px;background:var(--p);color:var(--op);font-weight:600}
.submit:disabled{opacity:.55;cursor:not-allowed}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.sent{margin:0;padding:16px;border-radius:8px;background:#dafbe1;outline:none}
.channels{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;font-size:14px}
.channels a{font-weight:600}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.root{bottom:12px;${config.position}:12px}.panel{position:fixed;inset:0;width:auto;max-width:none;max-height:none;border-radius:0}}`;
}
