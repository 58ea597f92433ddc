"""Replay of the archive in a browser: its own pages (article list, search, reader view) and
wayback-style replay of captures, served by a small local web server.

`urls` (URL forms), `rewrite` and `css` (URL rewriting), `resources` (reading records safely),
`pages` (the archive's HTML), `app` (requests to replies), `server` (the HTTP server).
"""
