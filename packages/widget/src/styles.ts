// Lives in the shadow root: the host page's CSS cannot reach in, and none of this leaks out.
// Colours are chosen for at least 4.5:1 text contrast (the darkest pair used for text on the
// primary blue is white on #0b57a4, 7.2:1).
export const CSS = `
:host{all:initial;position:fixed;right:16px;bottom:16px;z-index:2147483000;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1f24}
*{box-sizing:border-box;font:inherit;color:inherit}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
button{cursor:pointer;border-radius:8px;border:2px solid #0b57a4;background:#fff;color:#0b57a4;padding:8px 14px;font-weight:600}
button:hover{background:#e8f0fa}
button.primary{background:#0b57a4;color:#fff}
button.primary:hover{background:#094a8c}
:focus{outline:none}
[tabindex="-1"]:focus-visible{outline:none}
:focus-visible{outline:3px solid #111827;outline-offset:2px}
.launcher{display:flex;align-items:center;gap:8px;border-radius:999px;padding:12px 20px;background:#0b57a4;color:#fff;border:2px solid #fff;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher:hover{background:#094a8c}
.launcher svg{width:22px;height:22px;fill:currentColor}
.badge{background:#b91c1c;color:#fff;border-radius:999px;padding:0 8px;font-size:14px}
.panel{position:absolute;right:0;bottom:0;width:min(380px,calc(100vw - 32px));height:min(640px,calc(100vh - 32px));display:flex;flex-direction:column;background:#fff;border:1px solid #9aa5b1;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden}
.head{display:flex;align-items:center;gap:8px;padding:12px 14px;background:#0b57a4;color:#fff}
.head .titles{flex:1;min-width:0}
.head h2{margin:0;font-size:18px;font-weight:700}
.head p{margin:0;font-size:14px}
.head button{border-color:#fff;background:transparent;color:#fff;padding:4px 10px}
.head button:hover{background:#094a8c}
.head :focus-visible{outline-color:#fff}
.close{font-size:20px;line-height:1}
.status{margin:0;padding:6px 14px;background:#fff7e0;color:#5c3d00;font-size:14px}
.status:empty{display:none}
.log{flex:1;overflow-y:auto;padding:12px 14px;display:flex;flex-direction:column;gap:10px;background:#f7f9fb}
.note{margin:0;font-size:14px;color:#4b5563}
.msg{max-width:85%;padding:8px 12px;border-radius:12px;background:#e9edf2;color:#1b1f24;white-space:pre-wrap;overflow-wrap:anywhere}
.msg.mine{align-self:flex-end;background:#0b57a4;color:#fff}
.msg.system{align-self:center;background:#fff;border:1px solid #9aa5b1;font-size:14px}
.msg .who{display:block;font-size:13px;font-weight:700;margin-bottom:2px}
.msg .meta{display:block;font-size:13px;margin-top:4px;color:#4b5563}
.msg.mine .meta{color:#e3ecf7;text-align:right}
.msg.failed{background:#fde8e8;color:#7f1d1d}
.msg.failed .meta{color:#7f1d1d}
.msg .meta button{padding:0 6px;margin-left:6px;font-size:13px;border-width:1px}
.typing{margin:0;padding:0 14px;min-height:22px;font-size:14px;color:#4b5563;font-style:italic;background:#f7f9fb}
.box{margin:0;padding:10px 14px;border-top:1px solid #d5dbe1;background:#fff}
.box p{margin:0 0 6px}
.code{font-size:34px;line-height:1.2;font-weight:800;letter-spacing:.18em;font-variant-numeric:tabular-nums;color:#0b3b6e}
.box .row button{padding:4px 12px}
.row{display:flex;flex-wrap:wrap;gap:8px;justify-content:flex-end;align-items:center}
.box .row{justify-content:flex-start}
.composer{padding:10px 14px 12px;border-top:1px solid #d5dbe1;background:#fff}
label{display:block;font-weight:700;font-size:15px;margin-bottom:4px}
textarea,input{display:block;width:100%;border:1px solid #6b7280;border-radius:8px;padding:8px 10px;background:#fff;color:#1b1f24;resize:none}
textarea{min-height:60px;max-height:140px}
.hint{margin:4px 0 8px;font-size:13px;color:#4b5563}
.row .spacer{flex:1}
@media (max-width:480px){:host{right:8px;bottom:8px}.panel{width:calc(100vw - 16px);height:calc(100vh - 16px)}}
@media (prefers-reduced-motion:no-preference){.panel{animation:rise .15s ease-out}@keyframes rise{from{transform:translateY(12px);opacity:0}to{transform:none;opacity:1}}}
`;
