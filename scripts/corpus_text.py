"""Texts of the local corpus's HTML pages (original writing for webfetch-kit, MIT).

A tiny markup: blocks separated by blank lines; "## " starts a heading, "### " a sub-heading, lines
starting with "- " form a list, "| a | b |" lines form a table (first row is the header), and a block
starting with "```" is preformatted. Everything else is a paragraph.
"""

from __future__ import annotations

# --- docs.example.com -------------------------------------------------------------------------------

WEB_FETCH_INTRO = """
The web fetch tool lets a model read the full content of a web page or a PDF document during a
conversation. You add the tool to a Messages API request; the model decides when a fetch would help,
the API retrieves the page, extracts its text and hands it back as a document block the model can read
and cite. This reference describes every parameter, every result shape and every error, and explains
the safety rules that make a fetch tool usable on untrusted input.

The tool is a server tool: the fetch runs on the provider's side, not in your code. Your application
sees a server_tool_use block (the request the model made) followed by a web_fetch_tool_result block
(what came back), both inside the same assistant message.
"""

WEB_FETCH_SECTIONS: list[tuple[str, str]] = [
    (
        "How a fetch happens",
        """
When the tool is present in a request, the model may decide that a URL mentioned in the conversation
is worth reading. It emits a server_tool_use block whose input holds that URL. The service then checks
the URL against the request's rules (domain lists, the number of uses left, the provenance rule),
downloads the resource, extracts text from HTML or PDF, truncates the text if a token limit was set, and
appends a web_fetch_tool_result block. The model continues its answer with the document in view.

- The model chooses when to fetch, based on the prompt and the URLs available.
- The service retrieves the full text content of the page at that URL.
- PDFs are returned as base64 data; their text is extracted automatically.
- The model analyses the content and answers, with citations when they are enabled.

Pages that are rendered by JavaScript in the browser are not supported: the fetcher does not run
scripts, so a single-page application usually yields an empty shell with a title and nothing else.
""",
    ),
    (
        "Tool definition",
        """
The tool is declared in the tools array of the request. Only the type and the name are required.

```
{
  "type": "web_fetch_20250910",
  "name": "web_fetch",
  "max_uses": 10,
  "allowed_domains": ["example.com", "docs.example.com"],
  "citations": {"enabled": true},
  "max_content_tokens": 100000
}
```

| parameter | type | default | meaning |
| type | string | required | the tool version, for example web_fetch_20250910 |
| name | string | required | always web_fetch |
| max_uses | integer | no limit | how many fetches the model may perform in one request |
| allowed_domains | list of strings | none | only these domains (and their subdomains) may be fetched |
| blocked_domains | list of strings | none | these domains may never be fetched |
| citations | object | disabled | set enabled to true to let the model cite fetched passages |
| max_content_tokens | integer | no limit | truncate each fetched document to about this many tokens |
""",
    ),
    (
        "Maximum number of uses",
        """
The max_uses parameter limits the number of fetches the model performs while answering one request.
When the model attempts a fetch beyond the limit, the result block carries the error code
max_uses_exceeded instead of a document. There is no default limit, so a research question about a
large site can trigger many fetches; setting max_uses is the simplest way to bound both latency and
the number of input tokens a single answer can consume.

Each fetch counts, whether it succeeds or not. A fetch refused by domain rules still uses one of the
allowed attempts, so a low max_uses combined with a narrow allow list leaves the model little room
to recover from a wrong guess.
""",
    ),
    (
        "Domain filtering",
        """
Two lists control which sites may be fetched. allowed_domains names the only domains the tool may
reach; blocked_domains names domains it must never reach. You may use one list or the other in a
request, never both.

- Domains are written without a scheme: example.com, not https://example.com.
- Subdomains are included automatically: example.com also covers docs.example.com.
- Subpaths are supported: example.com/blog allows pages under /blog only.
- Matching is done on the parsed host name, after lower-casing and removing a trailing dot.

A subpath rule matches whole path segments. example.com/blog covers /blog and /blog/2024/post but
not /blogroll. When the fetched page redirects, the target is checked against the same lists; a
redirect from an allowed page to a blocked domain fails with url_not_allowed.
""",
    ),
    (
        "Homograph attacks",
        """
Unicode characters in domain names create room for homograph attacks: characters from different
scripts that look identical. A domain spelled with a Cyrillic letter, such as dоcs.example.com with a
Cyrillic о, is a completely different domain from docs.example.com, yet a reader cannot tell them
apart. Its real name on the wire is the ASCII form produced by IDNA encoding, here
xn--dcs-sed.example.com.

- Use ASCII-only domain names in your lists whenever possible.
- Remember that URL parsers may normalise Unicode differently.
- Test your filters with look-alike variations of the names you allow.
- Audit your configuration regularly for unexpected non-ASCII characters.

An allow list that contains only ASCII names is safe against look-alikes: the Cyrillic name does not
match docs.example.com and is refused. A block list is the dangerous case, because blocking
docs.example.com does nothing against its look-alike twin.
""",
    ),
    (
        "Content limits",
        """
The max_content_tokens parameter limits how much of a fetched document enters the context. When the
extracted text is longer, it is truncated. The limit is approximate: the number of input tokens
actually used can differ slightly, because the truncation is done on a tokenizer that may not be the
model's own and because the document block adds a few tokens of framing.

Large documentation pages, such as this one, are the reason the limit exists. This page alone is
about one hundred kilobytes of HTML; its extracted text is tens of thousands of tokens. Fetching it
into every turn of a conversation is expensive unless the conversation uses prompt caching.
""",
    ),
    (
        "Citations",
        """
Citations are optional for web fetch, unlike web search where they are always on. Set citations to
{"enabled": true} and the model may attach citation objects to the text it writes. For a text
document, a citation is a char_location: the index of the document, its title, the start and end
character offsets and the cited text itself. For a PDF, it is a page_location with start and end page
numbers.

The cited_text field is an exact copy of the source span. A client can verify every citation by
slicing the document text with the given offsets and comparing the result with cited_text. When
displaying model output to end users, show citations that point to the original source.
""",
    ),
    (
        "Response format",
        """
A successful fetch produces a web_fetch_tool_result block whose content is a web_fetch_result: the
URL that was fetched, a document block, and retrieved_at, the time the content was retrieved.

```
{
  "type": "web_fetch_tool_result",
  "tool_use_id": "srvtoolu_01234567890abcdef",
  "content": {
    "type": "web_fetch_result",
    "url": "https://example.com/article",
    "content": {
      "type": "document",
      "source": {"type": "text", "media_type": "text/plain", "data": "Full text..."},
      "title": "Article Title",
      "citations": {"enabled": true}
    },
    "retrieved_at": "2025-08-25T10:30:00Z"
  }
}
```

The usage object of the response counts fetches under server_tool_use.web_fetch_requests. Fetches
have no per-use fee; the fetched text is billed as ordinary input tokens.
""",
    ),
    (
        "PDF documents",
        """
A PDF is returned as base64 data with media type application/pdf. The model reads its text page by
page, and citations point to page ranges. Scanned PDFs without a text layer yield little or no text.
Encrypted PDFs cannot be read without their password and produce an error. A truncated or corrupted
file is reported the same way as any document that cannot be parsed.
""",
    ),
    (
        "Caching of fetched content",
        """
The service caches fetch results to improve performance and avoid redundant requests. The content
returned may therefore not be the latest version available at the URL. The cache behaviour is managed
automatically and may change over time for different content types. retrieved_at tells you when the
copy you received was made.

This cache is unrelated to prompt caching. Prompt caching stores the processed prefix of your
request, including earlier fetch results, so that later turns of the same conversation read it at a
reduced price instead of paying for it again.
""",
    ),
    (
        "Prompt caching with fetch results",
        """
Fetch results become part of the conversation, and so part of the prefix that prompt caching can
store. Add a cache_control breakpoint to the last message you send; on the next turn the whole prefix,
fetched documents included, is read from the cache. Cache writes cost more than base input tokens,
cache reads much less, and the cache lives for five minutes by default (one hour if requested),
refreshed each time it is read.

A prefix shorter than the model's minimum cacheable length is not cached at all, and a request can
hold at most four breakpoints.
""",
    ),
    (
        "URL validation and provenance",
        """
For security reasons the tool may only fetch URLs that already appeared in the conversation: URLs in
user messages, URLs in client tool results, and URLs from earlier web search or web fetch results.
The model cannot fetch URLs it composes itself, nor URLs produced by container-based server tools such
as code execution.

This rule closes the simplest exfiltration path. Suppose a fetched page contains hidden instructions
asking the model to visit an address that encodes the user's private notes in its query string. The
address never appeared in the conversation, so the fetch is refused before any request is made.
""",
    ),
    (
        "Data exfiltration risks",
        """
Enabling a fetch tool where the model processes untrusted input alongside sensitive data carries a
risk of data exfiltration. Use the tool in trusted environments or with non-sensitive data. When
exfiltration is a concern, disable the tool, limit max_uses, or restrict allowed_domains to a few
sites you trust. Residual risk remains even with the provenance rule, because a URL that appeared
earlier may itself point to an attacker's server.
""",
    ),
    (
        "Server-side request forgery",
        """
A fetcher that runs inside your own network must never become a tunnel into it. Refuse URLs whose host
resolves to loopback, private, link-local, multicast or reserved addresses, including the cloud
metadata address 169.254.169.254 and its IPv6 spellings. Decide on the resolved address, not on the
string: 2130706433 and 0x7f.1 both mean 127.0.0.1 to a resolver. Connect to the exact address you
checked, so that DNS rebinding cannot swap it, and check every redirect hop again.

| risk | example | defence |
| loopback | http://127.1/admin | resolve, then refuse loopback addresses |
| metadata | http://169.254.169.254/latest/meta-data/ | refuse link-local addresses |
| private range | http://10.0.0.7/ | refuse private addresses |
| redirect | public page redirecting to 10.0.0.7 | check every hop |
| rebinding | name resolving public, then private | pin the checked address |
| proxy | HTTPS_PROXY set in the environment | ignore environment proxies |
""",
    ),
    (
        "Timeouts and size limits",
        """
A hostile or broken server can send a body that never ends, or one byte every few seconds. A per-read
timeout does not help against the second case, because every read succeeds just in time. Keep one
wall-clock deadline for the whole fetch and check it after every chunk. Cap the number of raw bytes
read before decompression: a gzip body of a hundred kilobytes can inflate to a hundred megabytes.
Refuse content encodings you cannot decode rather than passing compressed bytes on as text.
""",
    ),
    (
        "Supported content types",
        """
Only text and PDF are supported. HTML is converted to plain text with the main content kept and the
navigation, sidebars, comments and footers dropped. Plain text is passed through. PDFs are returned as
base64 documents. Anything else, such as images, JSON, archives or audio, is refused with
unsupported_content_type.

| media type | result |
| text/html | main text extracted, title kept |
| text/plain | passed through unchanged |
| application/pdf | base64 document, text extracted per page |
| application/json | unsupported_content_type |
| image/png | unsupported_content_type |
| application/zip | unsupported_content_type |

The declared Content-Type is not always right. A server may label a PDF as text/html or HTML as
application/pdf. Sniffing the first bytes (%PDF- for a PDF, a doctype or html tag for HTML) catches
the common mistakes.
""",
    ),
    (
        "Character encodings",
        """
Pages declare their character set in the Content-Type header, in a meta tag, or not at all. Older
sites often use windows-1252 or ISO-8859-1. Decoding such a page as UTF-8 turns every accented letter
into a replacement character. Honour the header first, then the meta tag, then detect; and remember
that browsers treat a declared ISO-8859-1 as windows-1252, which also maps the euro sign and curly
quotes.
""",
    ),
    (
        "Combining search and fetch",
        """
Web fetch pairs naturally with web search. Give the model both tools: it searches to find candidate
pages, picks the most promising results, fetches them in full, and answers with citations. Search
results also feed the provenance ledger, so every URL a search returns becomes fetchable.
""",
    ),
    (
        "Usage and pricing",
        """
Web fetch has no additional charge beyond standard token costs. A typical web page adds a few
thousand tokens to the input; a long documentation page or research paper can add tens of thousands.
Use max_content_tokens to keep large documents from dominating the bill, and prompt caching when
several turns discuss the same documents.

| content | approximate size |
| short news article | 1,000 to 2,000 tokens |
| blog post | 2,500 to 5,000 tokens |
| documentation page | 10,000 to 30,000 tokens |
| research paper PDF | 20,000 to 60,000 tokens |
""",
    ),
]

FAQ: list[tuple[str, str]] = [
    (
        "Can the model fetch a URL it invented?",
        "No. Only URLs that appeared in the conversation can be fetched.",
    ),
    ("Does the tool run JavaScript?", "No. Pages rendered by scripts come back empty or nearly empty."),
    ("Are redirects followed?", "Yes, and every hop is checked against the domain rules again."),
    ("Can I use both domain lists?", "No. Use allowed_domains or blocked_domains, not both."),
    ("Is the fetched content fresh?", "Not always: results may come from a cache; see retrieved_at."),
    ("What happens on HTTP 404?", "The result is an error block with url_not_accessible."),
    ("What happens on HTTP 429?", "The result is an error block with too_many_requests."),
    ("How long may a URL be?", "At most 250 characters; longer URLs fail with url_too_long."),
    ("Are images supported?", "No. Images fail with unsupported_content_type."),
    ("Do fetches cost extra?", "No per-use fee; the content is billed as input tokens."),
]

ERROR_CODES: list[tuple[str, str, str]] = [
    (
        "invalid_input",
        "The URL is not a valid absolute http or https URL.",
        "Fix the URL; relative paths, other schemes and malformed hosts are refused.",
    ),
    (
        "url_too_long",
        "The URL exceeds the maximum length of 250 characters.",
        "Shorten the URL or link to a page that redirects to the long one.",
    ),
    (
        "url_not_allowed",
        "The URL is blocked by domain filtering rules or model restrictions.",
        "Check allowed_domains and blocked_domains, and whether the URL appeared in the conversation.",
    ),
    (
        "url_not_accessible",
        "The content could not be fetched: an HTTP error, a timeout or a refused connection.",
        "Check that the page exists and is public; retry later for transient errors.",
    ),
    (
        "too_many_requests",
        "The rate limit was exceeded, either the service's or the site's.",
        "Wait and retry; the site may send Retry-After.",
    ),
    (
        "unsupported_content_type",
        "The content type is neither text nor PDF.",
        "Link to an HTML or PDF version of the resource.",
    ),
    (
        "max_uses_exceeded",
        "The model attempted more fetches than max_uses allows.",
        "Raise max_uses or ask for fewer pages per request.",
    ),
    ("unavailable", "An internal error occurred in the fetch service.", "Retry the request later."),
]

GLOSSARY: list[tuple[str, str]] = [
    ("A-label", "The ASCII form of an internationalised domain label, starting with xn--."),
    ("BM25", "A ranking function for full-text search that weighs term frequency against document length."),
    ("breakpoint", "A cache_control marker that ends a cacheable prefix of the prompt."),
    ("citation", "A pointer from generated text to the exact span of a source it relies on."),
    ("document block", "A content block carrying a text or PDF source the model can read and cite."),
    ("exfiltration", "Leaking private data out of a system, for example inside a URL's query string."),
    (
        "homograph",
        "A string that looks like another but uses different characters, often from another script.",
    ),
    ("IDNA", "Internationalised Domain Names in Applications: the rules that map Unicode names to A-labels."),
    ("ledger", "The set of URLs seen in a conversation, used to decide which URLs may be fetched."),
    ("main text", "The article content of a page without navigation, sidebars, comments and footers."),
    ("metadata service", "A cloud endpoint at 169.254.169.254 that hands credentials to local processes."),
    ("pinning", "Connecting to the exact address that was checked instead of resolving the name again."),
    ("provenance", "Where a URL came from: the user, a search result, a fetch result or a tool result."),
    ("retrieved_at", "The time at which the fetched copy of a page was made."),
    ("server tool", "A tool executed by the API provider rather than by the client application."),
    ("SSRF", "Server-side request forgery: tricking a server into requesting internal resources."),
    ("token", "The unit a language model reads; about four characters of English text on average."),
    ("truncation", "Cutting a document to a token budget, ideally at a sentence boundary."),
    ("TTL", "Time to live: how long a cache entry stays valid; five minutes or one hour for prompts."),
    ("UTS 46", "A Unicode standard for mapping domain names before IDNA encoding."),
]

RELEASES: list[tuple[str, str]] = [
    ("2025-11-18", "Citations on PDF documents now point to page ranges in every supported model."),
    ("2025-10-30", "Redirect targets are checked against blocked_domains on every hop."),
    ("2025-10-14", "max_content_tokens truncation now prefers sentence boundaries."),
    ("2025-09-29", "Error results for HTTP 429 responses now use too_many_requests."),
    ("2025-09-10", "The web fetch tool is available in beta as web_fetch_20250910."),
    ("2025-08-25", "Private preview: fetch results include retrieved_at timestamps."),
    ("2025-08-04", "Private preview: PDFs are returned as base64 documents."),
    ("2025-07-21", "Private preview: domain filters accept subpaths such as example.com/blog."),
]

DOMAIN_FILTERS = """
This guide shows how to write allowed_domains and blocked_domains lists that do what you mean.

## Writing entries

Write each entry as a bare host name, optionally followed by a path: example.com, docs.example.com,
example.com/blog. Do not include a scheme, a port, a query string or a wildcard. Entries are
case-insensitive and a trailing dot is ignored.

## Subdomains and subpaths

An entry covers its subdomains: example.com also matches docs.example.com and a.b.example.com, but
not badexample.com. An entry with a path covers that path and everything under it, segment by
segment: example.com/blog matches /blog and /blog/post but not /blog-archive.

## Choosing allow or block

An allow list is the safer default: everything not named is refused, including look-alike domains
spelled with characters from other scripts. A block list refuses only what it names, so it cannot
protect against a homograph of a blocked domain. You cannot send both lists in one request.

## Testing your lists

Try a handful of URLs against your lists before you ship them: the exact domain, a subdomain, a
sibling domain with a shared suffix, a subpath, a look-alike with a Cyrillic letter, and an
address-literal URL. Each should produce the verdict you expect.
"""

CITATIONS_GUIDE = """
Citations tie each claim in the model's answer to the passage it came from.

## Enabling citations

Set citations to {"enabled": true} in the web fetch tool definition. Web search results always carry
citations; web fetch results carry them only when enabled.

## Reading citations

Text blocks of the answer may hold a citations list. For text documents each entry is a char_location
with document_index, start_char_index, end_char_index and cited_text. For PDF documents it is a
page_location with start_page_number and end_page_number.

## Verifying citations

Because cited_text is copied from the source, you can check each citation: find the document in the
conversation, slice its text with the offsets and compare. A mismatch means the document you hold is
not the one the model saw, for example because it was truncated differently.
"""

CACHING_GUIDE = """
Prompt caching makes long conversations about fetched documents affordable.

## How it works

Mark the end of a reusable prefix with cache_control. The first request writes the prefix to the
cache at a premium over the base input price; later requests that begin with the same prefix read it
at a small fraction of the price. Any change before the breakpoint, even one character, produces a
different prefix and a cache miss.

## Lifetimes

The default lifetime is five minutes and each read refreshes it. A one-hour lifetime costs more to
write and suits conversations with long pauses.

## Limits

A request may hold at most four breakpoints. Prefixes shorter than the model's minimum cacheable
length, one or two thousand tokens depending on the model, are processed normally and not cached.
"""

PDF_GUIDE = """
PDF documents are fetched like web pages but returned differently.

## What comes back

The document block holds the PDF as base64 data with media type application/pdf. The model reads its
text layer page by page. Citations into a PDF name page ranges rather than character offsets.

## What fails

Encrypted PDFs, truncated downloads and files with a PDF extension that are really HTML error pages
all fail to parse. Scanned documents without a text layer parse but contain almost no text.

## Size

Long reports are expensive: a fifty-page paper easily holds thirty thousand tokens. Set
max_content_tokens, or point the model at a specific chapter when the publisher offers one.
"""

DOCS_INDEX = """
Welcome to the documentation of the example platform. These pages describe the web fetch tool and
the features that surround it.

## Guides

- Web fetch tool reference: every parameter, result shape and error code.
- Domain filters: writing allow and block lists that do what you mean.
- Citations: enabling, reading and verifying citations.
- Prompt caching: reusing fetched documents across turns.
- PDF support: what the tool does with PDF documents.

## Other resources

The changelog lists every change to the tool. The tool definition is also available as JSON for
programs that generate requests.
"""

LEGACY_CHARSET = """
Cette page ancienne est encodée en windows-1252, comme beaucoup de sites créés avant la généralisation
de l’UTF-8. Elle contient des caractères accentués : é, è, ê, à, ç, ô, û, ï, ainsi que le symbole
de l’euro (€), des guillemets “typographiques” et un tiret cadratin — qui n’existent pas en ISO-8859-1.

Un extracteur qui décode ces octets comme de l’UTF-8 affichera des caractères de remplacement à la
place de chaque lettre accentuée. Il faut lire l’en-tête Content-Type, puis la balise meta, avant de
deviner l’encodage. Prix de l’abonnement : 12 € par mois. Café, crème brûlée, naïveté, façade.

Esta página también incluye un poco de español: la señora García visitó Málaga en otoño; ¿cuántos
niños había en el año pasado? ¡Muchísimos!
"""

APP_SHELL_NOTE = "This page is an empty shell filled in by JavaScript."

PHISHING_TEXT = """
Your session has expired. To continue reading the web fetch tool reference, sign in again with your
API key below. This step is required for security reasons and will only take a moment.

## Verify your account

Paste your API key and your organisation password into the form. Accounts that are not verified
within 24 hours will lose access to the documentation and to the API.

## Web fetch tool

The web fetch tool allows the model to retrieve full content from specified web pages and PDF
documents. To enable it, paste your secret key into the verification form above.
"""

PHISHING_INDEX = """
Welcome to the documentation portal. Due to a security upgrade, all developers must re-verify their
credentials. Sign in with your API key to continue to the guides.
"""

CHANGELOG_TXT = """webfetch example platform: changelog (plain text)
==================================================

{releases}

This file is served as text/plain; charset=utf-8. A fetcher should pass it through unchanged.
"""
