"""The machine-readable head of a story page: meta tags and schema.org JSON-LD, as it says."""

from __future__ import annotations

from typing import Any

from archiver.demo_site.content import Story
from archiver.demo_site.markup import esc, json_script
from archiver.demo_site.paths import section_of, story_path
from archiver.demo_site.server import BASE_URL_PLACEHOLDER as BASE
from archiver.demo_site.templates.chrome import SITE_NAME


def jsonld_html(story: Story) -> str:
    """schema.org NewsArticle markup in one of three shapes real sites use."""
    url = f"{BASE}{story_path(story)}"
    image = f"{BASE}/static/img/{story.image}"
    publisher = {
        "@type": "NewsMediaOrganization",
        "name": SITE_NAME,
        "url": f"{BASE}/",
        "logo": {"@type": "ImageObject", "url": f"{BASE}/static/img/logo.svg"},
    }
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story.description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "image": [image],
        "datePublished": story.published,
    }
    if story.modified:
        article["dateModified"] = story.modified
    people = [{"@type": "Person", "name": a} for a in story.authors]
    if people:
        article["author"] = people
    article["publisher"] = publisher
    article["articleSection"] = section_of(story.section).title
    keywords: Any = list(story.tags) if len(story.slug) % 2 else ", ".join(story.tags)
    article["keywords"] = keywords
    article["inLanguage"] = "de-DE" if story.language == "de" else "en-GB"
    article["isAccessibleForFree"] = True
    if story.jsonld == "plain":
        return json_script(article)
    crumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{BASE}/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": section_of(story.section).title,
                "item": f"{BASE}/{story.section}/",
            },
        ],
    }
    if story.jsonld == "list":
        crumbs["@context"] = "https://schema.org"
        return json_script([article, crumbs])
    # "graph": nodes linked by @id, authors as references.
    del article["@context"]
    article["@id"] = f"{url}#article"
    nodes: list[dict[str, Any]] = [
        {"@type": "WebSite", "@id": f"{BASE}/#website", "name": SITE_NAME, "url": f"{BASE}/"},
        {"@type": "WebPage", "@id": url, "url": url, "breadcrumb": {"@id": f"{url}#crumbs"}},
        {**crumbs, "@id": f"{url}#crumbs"},
    ]
    if people:
        ids = [f"{BASE}/#person-{i}" for i in range(len(people))]
        article["author"] = [{"@id": i} for i in ids]
        nodes += [{**p, "@id": i} for p, i in zip(people, ids, strict=True)]
    article["publisher"] = {"@id": f"{BASE}/#publisher"}
    nodes.append({**publisher, "@id": f"{BASE}/#publisher"})
    nodes.insert(2, article)
    return json_script({"@context": "https://schema.org", "@graph": nodes})


def story_head(story: Story) -> list[str]:
    """The head tags of a story page: description always, the rest as the story says."""
    path = story_path(story)
    head = [f'<meta name="description" content="{esc(story.description)}">']
    if story.meta:
        locale = "de_DE" if story.language == "de" else "en_GB"
        head += [
            f'<link rel="canonical" href="{BASE}{path}">',
            f'<meta property="og:site_name" content="{SITE_NAME}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(story.title)}">',
            f'<meta property="og:description" content="{esc(story.description)}">',
            f'<meta property="og:url" content="{BASE}{path}">',
            f'<meta property="og:image" content="{BASE}/static/img/{story.image}">',
            f'<meta property="og:locale" content="{locale}">',
            f'<meta property="article:published_time" content="{story.published}">',
        ]
        if story.modified:
            head.append(f'<meta property="article:modified_time" content="{story.modified}">')
        head.append(
            f'<meta property="article:section" content="{section_of(story.section).title}">'
        )
        head += [f'<meta property="article:tag" content="{esc(t)}">' for t in story.tags]
        if story.authors:
            head.append(f'<meta name="author" content="{esc(", ".join(story.authors))}">')
        head.append('<meta name="twitter:card" content="summary_large_image">')
    if story.jsonld:
        head.append(jsonld_html(story))
    return head
