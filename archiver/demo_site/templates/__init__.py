"""HTML for the demo site: the chrome every page shares, and a module per kind of page.

Links inside pages are root-relative (``/news/...``) so the site works on any port; absolute
URLs (canonical, og:url, JSON-LD) use ``{{BASE_URL}}``, which the server fills in.
"""
