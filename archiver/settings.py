"""Scrapy settings for the archiver project (`scrapy crawl news -a config=...`).

ARCHIVER_* settings are read by the adapters in this package; override any with `-s KEY=VALUE`.
"""

from __future__ import annotations

from archiver import __version__

BOT_NAME = "archiver"
# Every fetch names the project (a site config's contact or user_agent replaces this for crawls).
USER_AGENT = f"archiver/{__version__} (news archiving)"
SPIDER_MODULES = ["archiver.spiders"]
NEWSPIDER_MODULE = "archiver.spiders"

# Where the archive lives, and how WARC files roll over.
ARCHIVER_ARCHIVE_DIR = "archive"
# Where `-a site=NAME` finds NAME.yaml (None: configs/ under the working directory). A Scrapyd
# job runs in Scrapyd's directory: give it an absolute one (schedule.json
# `-d setting=ARCHIVER_CONFIG_DIR=/srv/configs`), and an absolute ARCHIVER_ARCHIVE_DIR.
ARCHIVER_CONFIG_DIR = None
# Distributed crawling: the Redis server the workers share (redis://HOST:PORT/DB; empty: one
# machine), and how long a worker's lease lasts (seconds) without renewal before the others
# take back the requests it had.
ARCHIVER_REDIS_URL = ""
ARCHIVER_REDIS_LEASE = 30.0
# What WARC file names start with (empty: the site key; `<site>-<host>-<pid>` for a worker of
# a distributed crawl). Archives made apart and merged later (`reindex --from`) should differ.
ARCHIVER_WARC_PREFIX = ""
ARCHIVER_WARC_MAX_SIZE = 1_000_000_000
# Seconds after which a WARC file rolls over, at its next record, whatever its size (0: never).
ARCHIVER_WARC_MAX_AGE = 0
# gzip level of each record: 1-3 compress with ISA-L (fast), 4-9 with zlib (smaller, slower:
# level 6 costs 8 ms a page against 0.9 ms at 1, for files 15% smaller), 0 stores.
ARCHIVER_WARC_GZIP_LEVEL = 1
ARCHIVER_OPERATOR = ""
# The collection written into and what its warcinfo says (the spider sets both from its
# config or its arguments), and a site lock the caller already holds (`archiver crawl`).
ARCHIVER_SITE = ""
ARCHIVER_WARCINFO: dict[str, str] = {}
ARCHIVER_SITE_LOCK = None
# The components, each with its switch: the archive (SiteArchiveExtension), the WARC
# recorder, and extraction + storage of articles (the pipeline).
ARCHIVER_ARCHIVE_ENABLED = True
ARCHIVER_RECORDER_ENABLED = True
ARCHIVER_PIPELINE_ENABLED = True
# Off: an archive-only crawl (`archiver crawl --no-extract`). WARC records, captures, section
# snapshots as always, but each article page waits in the catalog for `archiver reextract`.
ARCHIVER_EXTRACT_ENABLED = True
# Extraction worker processes (None: one per core; 0: extract inline, for debugging).
ARCHIVER_EXTRACT_WORKERS = None
# Seconds one page may take in an extraction worker; past it the page fails ("timeout") and a
# worker stuck in C code is killed (0: no limit).
ARCHIVER_EXTRACT_TIMEOUT = 60.0
# What the workers run for each page: import path of a function (body, url, encoding, hints)
# -> ExtractionOutcome (archiver.extraction.pool.extract_outcome wraps our extractor).
ARCHIVER_EXTRACTOR = "archiver.extraction.pool.extract_outcome"
# The site config's `extract:` hints (set by the news spider).
ARCHIVER_EXTRACT_HINTS = None
# Crawls fetch each new or changed article's requisites (stylesheets, fonts, images, scripts,
# frames), once per run however many articles share them, so the pages replay as they looked.
# They are queued below every section, feed, sitemap and article request: articles first.
# A site config's `requisites:` block sets the others (at spider priority; `-s` still wins).
ARCHIVER_REQUISITES = True
# all | site (the config's allowed_domains and their subdomains, plus ARCHIVER_REQUISITES_HOSTS)
# | none
ARCHIVER_REQUISITES_SCOPE = "all"
ARCHIVER_REQUISITES_HOSTS: list[str] = []
# Host names or adblock filter rules never to fetch; files of such rules (EasyList or hosts).
ARCHIVER_REQUISITES_BLOCK: list[str] = []
ARCHIVER_REQUISITES_BLOCK_LISTS: list[str] = []
# EasyList + EasyPrivacy (as shipped with braveblock) block ads, trackers and analytics.
ARCHIVER_REQUISITES_DEFAULT_BLOCKLIST = True
ARCHIVER_REQUISITES_MAX_PER_PAGE = 200
# A host is given up for the run after this many connection failures (DNS, refused, timeout).
ARCHIVER_REQUISITES_HOST_FAILURES = 1
# Seconds to wait for one page resource.
ARCHIVER_REQUISITES_TIMEOUT = 20.0
# Browser capture (scrapy-playwright, extra `browser`): never | auto (a page whose fetched HTML
# gives under ARCHIVER_RENDER_MIN_WORDS words of article text is loaded again in headless
# Chromium and extracted from the page it built) | always (every article in the browser).
# A site config's `crawl.render` sets it. The other settings bound what one page may cost.
ARCHIVER_RENDER = "never"
ARCHIVER_RENDER_MIN_WORDS = 50
ARCHIVER_RENDER_PAGES = 2  # pages open at once in the one browser
ARCHIVER_RENDER_TIMEOUT = 30.0  # seconds for a page to load
ARCHIVER_RENDER_MAX_REQUESTS = 300  # requests one page may make; the rest are aborted
ARCHIVER_RENDER_SCROLL_STEPS = 10  # screenfuls scrolled to trigger lazy loading ...
ARCHIVER_RENDER_SCROLL_SECONDS = 5.0  # ... for at most this long
ARCHIVER_RENDER_SETTLE_SECONDS = 3.0  # at most this long waiting for the network to go quiet
ARCHIVER_RENDER_SCREENSHOTS = True  # viewport and full-page PNGs as WARC resource records
# Chromium to drive (empty: $ARCHIVER_BROWSER, else `chromium` on PATH, else Playwright's own).
ARCHIVER_BROWSER = ""
# A site config's `request:` (headers and cookies for the site's own hosts) and `proxy:`, as an
# archiver.crawl.credentials.SiteCredentials (the news spider sets it; None: nothing to send).
ARCHIVER_CREDENTIALS = None
# Request records keep the exact headers sent, secrets included (default: the values of the
# configured headers and cookies, and Proxy-Authorization, are written as "[redacted]").
ARCHIVER_KEEP_SECRETS = False
# Seconds between progress lines on stderr (0 switches them off).
ARCHIVER_PROGRESS_INTERVAL = 10.0

# The WARC recorder sits above HttpCompressionMiddleware (590) and RedirectMiddleware (600), so
# it sees each response as received: body still encoded, 3xx before it is followed.
# The resource gate sits above the recorder: a resource it skips is never requested or
# recorded, and it sees connection failures before RetryMiddleware (550) retries them.
DOWNLOADER_MIDDLEWARES = {
    "archiver.middlewares.PageResourceGate": 960,
    "archiver.middlewares.WarcRecorderMiddleware": 950,
    # Pages loaded in the browser (ARCHIVER_RENDER): every exchange it made, its DOM and
    # screenshots, recorded before the recorder (which leaves those responses alone).
    "archiver.browser.BrowserCaptureMiddleware": 955,
    # Scrapy's, decoding a page's head only (Scrapy's decodes the whole body for it).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "archiver.middlewares.HeadMetaRefreshMiddleware": 580,
    # Scrapy's, but a redirect to javascript: or mailto: is the page's answer, not a crash.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "archiver.middlewares.HttpRedirectMiddleware": 600,
    # Scrapy's, but a 503 or 429 with Retry-After waits for the next run (not retried at once).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.middlewares.RetryLaterMiddleware": 550,
    # A site's login (config `request:` and `proxy:`): after CookiesMiddleware (700), before
    # HttpProxyMiddleware (750); its headers and cookies go to the site's own hosts only.
    "archiver.middlewares.SiteCredentialsMiddleware": 710,
}
# Request depth is not used (the spiders follow what the config lists, not link depth).
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.depth.DepthMiddleware": None}
ITEM_PIPELINES = {
    "archiver.pipelines.ExtractAndStorePipeline": 300,
}
EXTENSIONS = {
    "archiver.extensions.SiteArchiveExtension": 100,
    "archiver.extensions.SharedRunExtension": 110,  # only with ARCHIVER_REDIS_URL
    "archiver.extensions.CrawlProgress": 500,
    # Scrapy's, but a full disk stops the crawl with a message, not a traceback.
    "scrapy.extensions.spiderstate.SpiderState": None,
    "archiver.extensions.JobSpiderState": 0,
}
# Priorities hold across hosts: articles before page resources on any host. (Scrapy's default,
# DownloaderAwarePriorityQueue, takes the host with the fewest downloads first, whatever the
# priority of what is queued for it.)
# Scrapy's ScrapyPriorityQueue, but a priority's queue is kept once made: Scrapy closes an
# emptied one (with a JOBDIR: removing its directory) and makes it anew on the next push, which
# for articles, fetched as fast as they are queued, happened for nearly every request.
SCHEDULER_PRIORITY_QUEUE = "archiver.queues.KeptQueuesPriorityQueue"
# Scrapy's scheduler, but a full disk under JOBDIR stops the crawl (Scrapy's kept it looping).
SCHEDULER = "archiver.queues.JobStateScheduler"
# Scrapy reads the source of every generator callback, each time it calls one, to warn about a
# `return value` in it: 3% of a crawl's CPU.
WARN_ON_GENERATOR_RETURN_VALUE = False
# What one response's callback yields (an article and its ~50 page resources) is handled by
# this many asyncio tasks; Scrapy's 100 means 100 new tasks for every response, which cost more
# than fetching a small resource.
CONCURRENT_ITEMS = 8
# No control ports: an archiving crawl listens on nothing.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Polite defaults; a site config overrides delay, robots and concurrency.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
# Size limits, on the body as received and (HttpCompressionMiddleware) as inflated. Scrapy's
# 1 GiB let a 1 MB gzip bomb take 3.2 GB of memory. 64 MiB is far above any news page's HTML
# (even with inlined images) yet keeps one response's cost bounded; it is also the most that
# replay and re-extraction inflate a stored body to (archiver.warc.reader.MAX_DECODED_SIZE).
# A body over it as received is aborted (nothing is received, nothing archived); one that
# inflates past it is archived as received, but not extracted: `too-large`.
DOWNLOAD_MAXSIZE = 64 << 20
DOWNLOAD_WARNSIZE = 16 << 20
RETRY_TIMES = 2
COOKIES_ENABLED = False
# Error pages are archived by the recorder; the spider only sees what it can use.
HTTPERROR_ALLOWED_CODES: list[int] = []
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
