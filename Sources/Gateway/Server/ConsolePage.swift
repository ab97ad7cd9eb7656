/// The static console placeholder served under `/console/` without a token.
enum ConsolePage {
    static let html = Array(
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>SPIN Runtime</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:0 .25rem}</style>
        </head>
        <body>
        <h1>SPIN Runtime</h1>
        <p>The runtime is running. The console is not part of this build yet.</p>
        <p>Jupyter clients connect to this address with the runtime's token, e.g.
        <code>Authorization: Bearer &lt;SPIN_TOKEN&gt;</code>.</p>
        <p>Health: <a href="/healthz">/healthz</a> · Readiness: <a href="/readyz">/readyz</a></p>
        </body>
        </html>

        """.utf8)
}
