/**
 * The API root's landing page: what this service is and where to go next. Static HTML with an
 * inline style only (helmet's default CSP allows no inline script, and the page needs none).
 */
export const HOME_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bridgenotes</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #1d2329; }
  h1 { margin-bottom: 0.25rem; }
  .lead { color: #4a5560; margin-top: 0; }
  li { margin: 0.5rem 0; }
  a { color: #1a5fb4; }
  code { background: #f2f4f6; padding: 0 0.25rem; border-radius: 3px; }
  @media (prefers-color-scheme: dark) {
    body { background: #15191d; color: #e4e8ec; } .lead { color: #a9b3bd; } a { color: #78aeed; } code { background: #262c32; }
  }
</style>
</head>
<body>
<h1>Bridgenotes</h1>
<p class="lead">Open community notes: members write notes that add context to posts and rate each
other's notes, anonymously but verifiably (every write carries a Semaphore proof of membership),
and a note is shown as helpful only when members who usually disagree both find it helpful.</p>
<ul>
  <li><a href="/demo">The demo</a>: the seeded demo community's notes on a post, in the embeddable
  widget, with a note the scorer rated helpful and why.</li>
  <li><a href="/docs">The API reference</a> (OpenAPI; <a href="/docs-json">JSON</a>).</li>
  <li><a href="/console">The operator console</a> (communities, moderation, scoring; the operator
  or a moderator key) and <a href="/admin/queues">the queue dashboard</a> (the operator key).</li>
  <li>The documentation: <code>README.md</code> and <code>docs/</code> in the source repository
  (<code>docs/architecture.md</code>, <code>docs/small-community-scoring.md</code>,
  <code>docs/verifiability.md</code>, <code>docs/widget.md</code>).</li>
  <li>Check this instance's open data yourself:
  <code>npm run bridgenotes -- verify &lt;this URL&gt; --community demo</code>.</li>
</ul>
</body>
</html>
`;
