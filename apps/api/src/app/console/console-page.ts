/**
 * The operator console's page: a shell the console's bundle fills in (libs/console). No inline
 * script or style, nothing from another origin, so the policy below allows only this origin's
 * files and its API.
 */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Bridgenotes console</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head>
<body>
<noscript>The console needs JavaScript; every action is also an API route (see /docs).</noscript>
<main id="console"></main>
</body>
</html>
`;

/** Only this origin: its bundle, its stylesheet and its API; never framed; forms go nowhere. */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
