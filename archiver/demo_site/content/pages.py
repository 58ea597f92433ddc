"""The demo site's pages that are not stories: about, contact, legal pages and the staff area."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InfoPage:
    """A plain page; blocks use the body markup (``#anchor ## Heading`` for a named heading)."""

    path: str
    title: str
    blocks: tuple[str, ...]
    noindex: bool = False


INFO_PAGES = (
    InfoPage(
        "/about/",
        "About the Gazette",
        (
            "The Harbour Gazette has reported on Port Hallow and the villages of the Skerra coast "
            "since 1887, when a ship's chandler called Abel Trethowan printed the first four-page "
            "edition in the back room of his shop on Quay Street.",
            "Today the Gazette is published online every day and in print every Thursday. A "
            "newsroom of nine journalists covers the town council, the courts, the harbour, "
            "local business, schools, health, the arts and the weather, which in Port Hallow is "
            "rarely a small story.",
            "## Who owns us",
            "The Gazette is owned by Harbour Gazette Publishing Ltd, a company held in trust for "
            "the benefit of the paper's readers and staff. No shareholder takes a dividend; any "
            "surplus is spent on journalism.",
            "#community ## Community guidelines",
            "We want comments under our stories to be a place where neighbours can disagree "
            "without falling out. Be civil, stay on the subject of the story, do not post "
            "personal details about anyone, and remember that the people you are writing about "
            "may read what you say. Comments that break these rules are removed.",
            "## Getting in touch",
            "You can reach every member of the newsroom through our [contact page](/contact/). "
            "If we have got something wrong, please tell us: our [corrections page](/corrections/) "
            "explains how we put things right.",
        ),
    ),
    InfoPage(
        "/contact/",
        "Contact the newsroom",
        (
            "The newsroom is at 4 Quay Street, Port Hallow, above the chandlery, and is staffed "
            "from 7am until 10pm every day.",
            "## News tips",
            "Call the news desk on 01999 400 187 or email newsdesk@harbourgazette.example. We "
            "read every message, and we protect the identity of people who talk to us in "
            "confidence.",
            "## Letters",
            "Letters for publication should be under 300 words and include your name and the "
            "part of town where you live. Email letters@harbourgazette.example.",
            "## Advertising and subscriptions",
            "For advertising see our [advertising page](/advertise/). For print subscriptions "
            "and the newsletters, see [newsletters](/newsletters/) or call 01999 400 190.",
        ),
    ),
    InfoPage(
        "/corrections/",
        "Corrections and clarifications",
        (
            "We try hard to be accurate, and when we are not we say so. Corrections are made to "
            "the story itself, with a note at the end saying what changed and when; significant "
            "corrections are also printed on page two of the Thursday edition.",
            "To ask for a correction, email corrections@harbourgazette.example with the headline "
            "of the story and what you believe is wrong. The editor reviews every request within "
            "two working days.",
        ),
    ),
    InfoPage(
        "/advertise/",
        "Advertise with us",
        (
            "The Gazette reaches most households in Port Hallow every week in print and "
            "thousands of readers a day online. Local businesses can book display adverts, "
            "classified notices and sponsored newsletter slots.",
            "Our advertising team is on 01999 400 195, or email ads@harbourgazette.example. We do "
            "not accept political advertising in the six weeks before an election.",
        ),
    ),
    InfoPage(
        "/newsletters/",
        "Newsletters",
        (
            "The Morning Tide arrives at seven every morning with the day's news, the tide "
            "tables for Port Hallow and Skerra, and what's on that evening.",
            "Harbour Business comes out on Mondays with the week's business stories, planning "
            "applications and job vacancies. Stage Left, our culture newsletter, goes out on "
            "Fridays.",
            "All our newsletters are free. You can unsubscribe with one click from any issue.",
        ),
    ),
    InfoPage(
        "/privacy/",
        "Privacy and cookies",
        (
            "This notice explains what information the Gazette collects when you read our site "
            "or sign up for a newsletter, and what we do with it.",
            "## What we collect",
            "When you sign up for a newsletter we keep your email address and the newsletters "
            "you chose. We keep server logs for 30 days to keep the site running and secure.",
            "#cookies ## Cookies",
            "We set one cookie to remember your cookie choice and, if you accept them, cookies "
            "that count visits to each page. We do not use advertising cookies or sell "
            "information about our readers.",
        ),
    ),
    InfoPage(
        "/terms/",
        "Terms of use",
        (
            "The stories, pictures and other material on this site belong to Harbour Gazette "
            "Publishing Ltd unless we say otherwise. You may quote short passages with a link "
            "back to the story.",
            "By commenting you agree to our community guidelines and give us permission to "
            "publish and moderate what you write.",
        ),
    ),
    InfoPage(
        "/private/",
        "Staff area",
        (
            "This area is for Harbour Gazette staff. Please sign in with your newsroom account.",
            "If you reached this page by mistake, return to the [front page](/).",
        ),
        noindex=True,
    ),
)
