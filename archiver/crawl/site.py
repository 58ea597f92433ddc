"""What a site config means for a crawl: its settings, its User-Agent, where its robots.txt are."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from archiver import __version__
from archiver.config import SiteConfig
from archiver.crawl.credentials import SiteCredentials
from archiver.crawl.links import unique
from archiver.crawl.listing import SourceEntry


def user_agent_for(config: SiteConfig) -> str:
    """The User-Agent: names the project and a contact URL from the config."""
    if config.crawl.user_agent:
        return config.crawl.user_agent
    contact = f"; +{config.contact}" if config.contact else ""
    return f"archiver/{__version__} (news archiving{contact})"


def crawl_settings(config: SiteConfig) -> dict[str, Any]:
    """The Scrapy settings a config sets (the spider applies them at spider priority, so
    `-s KEY=VALUE` still wins)."""
    crawl = config.crawl
    settings: dict[str, Any] = {
        "DOWNLOAD_DELAY": crawl.download_delay,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency,
        "USER_AGENT": user_agent_for(config),
        "ARCHIVER_RENDER_MIN_WORDS": crawl.render_min_words,
    }
    modes = {crawl.render, *(s.render for s in config.sections if s.render)}
    # The most any article may need: the browser is set up when one might be rendered.
    settings["ARCHIVER_RENDER"] = next((m for m in ("always", "auto") if m in modes), "never")
    if crawl.download_delay == 0:
        settings["AUTOTHROTTLE_ENABLED"] = False
    if crawl.max_pages:
        settings["CLOSESPIDER_PAGECOUNT"] = crawl.max_pages
    rules = config.requisites
    settings["ARCHIVER_SITE_DOMAINS"] = list(config.allowed_domains)
    for key, value in (
        ("SCOPE", rules.scope),
        ("HOSTS", list(rules.hosts)),
        ("BLOCK", list(rules.block)),
        ("BLOCK_LISTS", [str(p) for p in config.block_list_paths()]),
        ("DEFAULT_BLOCKLIST", rules.default_blocklist),
        ("MAX_PER_PAGE", rules.max_per_page),
        ("HOST_FAILURES", rules.host_failures),
        ("TIMEOUT", rules.timeout),
    ):
        settings[f"ARCHIVER_REQUISITES_{key}"] = value
    if rules.scope == "none":
        settings["ARCHIVER_REQUISITES"] = False
    settings["ARCHIVER_EXTRACT_HINTS"] = config.extract
    credentials = SiteCredentials.from_config(config)
    if credentials is not None:
        settings["ARCHIVER_CREDENTIALS"] = credentials
    return settings


def robots_urls(config: SiteConfig) -> list[str]:
    """robots.txt of every site the config's sources are on (or of its allowed domains)."""
    sources = [s.url for s in config.sections] + [str(u) for u in config.feeds]
    sources += [str(u) for u in config.sitemaps]
    origins = [f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in sources]
    if not origins:
        origins = [f"https://{domain}" for domain in config.allowed_domains]
    return [f"{origin}/robots.txt" for origin in unique(origins)]


def entry_summary(entry: SourceEntry) -> dict[str, Any]:
    """A listed article as kept in a section snapshot."""
    return {
        "url": entry.url,
        "title": entry.title,
        "published": entry.published.isoformat() if entry.published else None,
    }
