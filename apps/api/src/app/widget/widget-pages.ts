/** The widget frame's policy: what proof generation needs and nothing more. */
export function frameContentSecurityPolicy(embedOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    // The service's own pages (the demo) and the community's listed origins only.
    `frame-ancestors ${["'self'", ...embedOrigins].join(' ')}`,
  ].join('; ');
}

/** The prover worker gets a policy of its own: it compiles the circuit's WebAssembly. */
export const PROVER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
].join('; ');

/** Nothing from the request is written into the frame page: the script reads its own URL. */
export const FRAME_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Bridgenotes</title>
    <link rel="stylesheet" href="/widget/frame.css" />
  </head>
  <body>
    <main id="app"></main>
    <script src="/widget/frame.js"></script>
  </body>
</html>
`;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ??
      character,
  );

/** A sample article with the widget embedded the way a site would. */
export function demoHtml(options: {
  community: string;
  postUrl: string;
  theme: string;
  locale?: string;
}): string {
  const dark = options.theme === 'dark';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Bridgenotes widget demo</title>
    <style>
      body { max-width: 42rem; margin: 2rem auto; padding: 0 1rem; font: 17px/1.6 Georgia, serif;
        background: ${dark ? '#010409' : '#fdfdfb'}; color: ${dark ? '#e6edf3' : '#222'}; }
      .byline { color: #777; font-size: 14px; }
    </style>
  </head>
  <body>
    <article>
      <h1>City bridge closed for repairs</h1>
      <p class="byline">A sample post at ${escapeHtml(options.postUrl)}</p>
      <p>The city's main bridge closes on Monday for six weeks of repairs, the council said.
        Commuters should plan for longer journeys.</p>
    </article>
    <script async src="/embed.js" data-community="${escapeHtml(options.community)}"
      data-post-url="${escapeHtml(options.postUrl)}" data-theme="${escapeHtml(options.theme)}"${
        options.locale ? ` data-locale="${escapeHtml(options.locale)}"` : ''
      }></script>
  </body>
</html>
`;
}
