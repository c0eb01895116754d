import { unsafeCSS } from 'lit';

/**
 * A plain string through `unsafeCSS` rather than Lit's `css` tag, and self-contained rather than
 * over the shared `baseStyles`: the CDN bundle has a size budget. Each token is read once, into a
 * private property, with its fallback. Written minified: no tool minifies a plain string. No
 * `CSSStyleSheet` is made at import (Lit makes it when the first picker connects), so the class
 * module imports without side effects, in Node and server-side rendering too. The form's and the
 * confirmation's rules come with the form's module (`details-form.ts`, decision 46); the private
 * properties they use (`--_error`, `--_action`, …) are set here, on `:host`.
 */
export const slotPickerStyles = unsafeCSS(`
:host{--_accent:var(--ck-picker-accent,var(--ck-color-primary,#0b5cad));--_error:var(--ck-picker-error,var(--ck-color-danger,#c42b1c));--_border:2px solid var(--ck-color-border,#4c4c52);--_surface:var(--ck-color-surface,#fff);--_s:var(--ck-space-s,.5rem);--_m:var(--ck-space-m,1rem);--_action:var(--ck-picker-action,var(--ck-color-action,#0b5cad));--_action-text:var(--ck-picker-action-text,var(--ck-color-action-text,#fff));display:block;font-family:var(--ck-font-family,system-ui,sans-serif);color:var(--ck-color-text,#1d1d1f);line-height:1.5}
button,input,select{font:inherit;min-block-size:44px;accent-color:var(--_accent)}
button{min-inline-size:6rem;padding-inline:var(--_m);margin-inline-end:var(--_s);border:var(--_border);border-radius:var(--ck-radius,.5rem);background:var(--_surface);color:inherit}
:focus-visible{outline:3px solid var(--ck-color-focus,#ffbf47);box-shadow:0 0 0 5px var(--ck-color-focus-ring,#0b0c0c)}
.visually-hidden{position:absolute;clip-path:inset(50%);width:1px;overflow:hidden}
[part~=time-zone]{color:var(--ck-picker-muted,var(--ck-color-muted,#505a5f))}
[part~=error]{border:4px solid var(--_error);padding:var(--_m)}
[part~=week],[part~=days],[part~=times]{display:flex;flex-wrap:wrap;gap:var(--_s);list-style:none;padding:0}
[part~=week]{align-items:center}
[part~=days]{margin:0}
[part~=day-choice]{min-inline-size:3.5rem;padding-inline:var(--_s)}
[part~=time],[part~=day-choice]:enabled{border-color:var(--_accent);color:var(--_accent)}
[part~=day-choice]:disabled{border-style:dashed;opacity:.6}
[part][aria-pressed=true],[part~=time]:hover{background:var(--_accent);color:var(--_surface)}
[part~=label]{display:block;font-weight:700}
[part~=input],[part~=select]{display:block;inline-size:min(100%,24rem);border:var(--_border)}
[part~=filters]{display:flex;flex-wrap:wrap;gap:var(--_m);margin-block-end:var(--_m)}
[part~=choose-first]{background:var(--_action);color:var(--_action-text)}
[part~=time-practitioner]{display:block;font-size:.875rem}
[part~=part-heading]{margin-block-end:0}
[part~=first-available]{border-inline-start:4px solid var(--_accent);padding-inline-start:var(--_m);margin-block-end:var(--_m)}
`);
