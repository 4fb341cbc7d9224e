"""Feed documents for the fake feed server, written from the specs (RSS 2.0, Atom 1.0 / RFC 4287,
Media RSS 1.5.1, RSS 1.0 RDF). Text is escaped as XML requires; HTML bodies go in as escaped markup
(RSS ``description``) or CDATA, as real feeds do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Item:
    guid: str | None
    title: str
    html: str
    published: datetime | None = None
    link: str | None = None
    author: str | None = None
    enclosure: tuple[str, str] | None = None  # (url, mime type)
    media: tuple[tuple[str, str], ...] = ()  # media:content (url, medium)
    thumbnail: str | None = None
    permalink: bool = False


def rss(title: str, items: list[Item], language: str = "fr") -> str:
    body = "".join(_rss_item(i) for i in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>'
            f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
            f"<description>{escape(title)}</description><language>{language}</language>{body}"
            "</channel></rss>\n")


def _rss_item(i: Item) -> str:
    parts = [f"<title>{escape(i.title)}</title>", f"<description>{escape(i.html)}</description>"]
    if i.guid is not None:
        parts.append(f'<guid isPermaLink="{"true" if i.permalink else "false"}">{escape(i.guid)}</guid>')
    if i.link:
        parts.append(f"<link>{escape(i.link)}</link>")
    if i.published:
        parts.append(f"<pubDate>{format_datetime(i.published.astimezone(UTC), usegmt=True)}</pubDate>")
    if i.author:
        parts.append(f"<dc:creator>{escape(i.author)}</dc:creator>")
    if i.enclosure:
        parts.append(f"<enclosure url={quoteattr(i.enclosure[0])} length=\"12345\" type={quoteattr(i.enclosure[1])}/>")
    parts += [f"<media:content url={quoteattr(u)} medium={quoteattr(m)} width=\"800\" height=\"600\"/>"
              for u, m in i.media]
    if i.thumbnail:
        parts.append(f"<media:thumbnail url={quoteattr(i.thumbnail)}/>")
    return "<item>" + "".join(parts) + "</item>\n"


def atom(title: str, items: list[Item]) -> str:
    entries = "".join(_atom_entry(i) for i in items)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
            f"<title>{escape(title)}</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>"
            f"<updated>2026-11-20T06:00:00Z</updated>{entries}</feed>\n")


def _atom_entry(i: Item) -> str:
    when = (i.published or datetime(2026, 11, 20, tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = [f"<title>{escape(i.title)}</title>", f"<id>{escape(i.guid or '')}</id>",
             f"<updated>{when}</updated><published>{when}</published>",
             f'<content type="html">{escape(i.html)}</content>']
    if i.link:
        parts.append(f'<link rel="alternate" href={quoteattr(i.link)}/>')
    if i.author:
        parts.append(f"<author><name>{escape(i.author)}</name></author>")
    if i.enclosure:
        parts.append(f'<link rel="enclosure" href={quoteattr(i.enclosure[0])} type={quoteattr(i.enclosure[1])} '
                     'length="1000"/>')
    return "<entry>" + "".join(parts) + "</entry>\n"


def rdf(title: str, items: list[Item]) -> str:
    lis = "".join(f'<rdf:li rdf:resource={quoteattr(i.link or "")}/>' for i in items)
    body = "".join(f'<item rdf:about={quoteattr(i.link or "")}><title>{escape(i.title)}</title>'
                   f"<link>{escape(i.link or '')}</link><description>{escape(i.html)}</description></item>"
                   for i in items)
    return ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/">'
            f'<channel rdf:about="https://rdf.example.org/"><title>{escape(title)}</title>'
            f"<link>https://rdf.example.org/</link><description>d</description><items><rdf:Seq>{lis}</rdf:Seq>"
            f"</items></channel>{body}</rdf:RDF>\n")
