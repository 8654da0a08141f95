"""The appendix of docs.example.com/guide/web-fetch: worked examples, troubleshooting, recipes, design notes.

Original writing for webfetch-kit (MIT), in the tiny markup described in corpus_text's docstring. Every
example, problem and recipe is distinct: nothing here is generated from a template, so the page is long
(about 100 KB) without repeating itself. New snippets use the SDK's spellings (web_fetch_tool_result_error,
invalid_tool_input, url_not_in_prior_context, content_too_large); the "Error codes" section above them
keeps the beta documentation's spellings on purpose, and the design notes explain the difference.
"""

# ruff: noqa: E501  (long lines of prose data; list items must stay on one line)
from __future__ import annotations

WORKED_EXAMPLES_INTRO = """
Each example below takes one section of this reference and walks through a realistic request: what the
user asked, what the tool definition looked like, the block that came back, and why. The URLs point to
the example sites of the webfetch-kit offline corpus, so every scenario can be replayed on a laptop with
no network and no API key.
"""

WORKED_EXAMPLES: list[tuple[str, str]] = [
    (
        "How a fetch happens: a pasted news link",
        """
A user pastes the address of a news item and asks what changed. The model has no copy of the page, so
its first content block is a short sentence announcing the fetch, followed by a server_tool_use block
whose only input is the URL exactly as the user wrote it.

```
{
  "type": "server_tool_use",
  "id": "srvtoolu_01NewsBeta",
  "name": "web_fetch",
  "input": {"url": "https://news.example.com/2025/09/web-fetch-beta"}
}
```

The next block is the web_fetch_tool_result carrying the same id in tool_use_id. Your application does
nothing between the two: there is no tool_result to send back, because the service ran the fetch while
the response was being generated. The stop_reason of the message is end_turn, not tool_use.

If the application logs conversations, the two blocks belong together: the server_tool_use block tells
an auditor what the model asked for, and the result tells what it received. Storing only the final
text would lose the evidence of which page the answer was based on.
""",
    ),
    (
        "Tool definition: a support assistant that must stay off the forum",
        """
A company lets its support assistant read any public page except its own community forum, where
customers post account details by mistake. A block list fits this case better than an allow list,
because the set of useful external pages is open-ended.

```
{
  "model": "claude-sonnet-4-6",
  "max_tokens": 2048,
  "tools": [
    {
      "type": "web_fetch_20250910",
      "name": "web_fetch",
      "max_uses": 4,
      "blocked_domains": ["forum.example.com"]
    }
  ],
  "messages": [{"role": "user", "content": "Is https://forum.example.com/t/8812 the same bug as the one on our status page?"}]
}
```

The forum thread is refused with url_not_allowed, and so is every subdomain of forum.example.com. Adding
allowed_domains next to blocked_domains would make the whole request invalid, so the team keeps a single
list and reviews it each quarter.
""",
    ),
    (
        "Maximum number of uses: four links and a budget of three",
        """
A product manager pastes four competitor pricing pages and asks for a comparison table, with max_uses
set to 3. The model fetches three pages in the order they were listed. Its fourth attempt is not
executed; the result block records why.

```
{
  "type": "web_fetch_tool_result",
  "tool_use_id": "srvtoolu_01FourthPage",
  "content": {"type": "web_fetch_tool_result_error", "error_code": "max_uses_exceeded"}
}
```

A well-behaved answer says plainly that the fourth vendor is missing from the table. Since an attempt
over the limit never reaches the network, usage.server_tool_use.web_fetch_requests reports 3, not 4. If
the comparison must be complete, raise max_uses to the number of links rather than hoping the model
skips one.

The order of fetches is the model's choice, not a queue the service maintains. When some links matter
more than others, say so in the prompt; the model will usually read the important pages first and
leave the optional ones for whatever budget remains.
""",
    ),
    (
        "Domain filtering: a subpath rule for one blog",
        """
An editor wants a proofreading assistant that may read the team's published posts and nothing else on
the blog host, not even the drafts area. A subpath rule expresses that in one entry.

```
{
  "type": "web_fetch_20250910",
  "name": "web_fetch",
  "allowed_domains": ["blog.example.org/posts"]
}
```

https://blog.example.org/posts/counting-tokens is fetched normally. https://blog.example.org/drafts/next
and https://blog.example.org/postscript are both refused with url_not_allowed: the first is outside the
path, the second only shares a prefix of characters with it, and subpath rules match whole segments.
""",
    ),
    (
        "Domain filtering: a redirect that leaves the allow list",
        """
A link shortener is on the allow list, but the page it points to is not. In the offline corpus the
route https://lab.example.net/redirect/cross-host plays the shortener and answers with a 302 to
https://docs.example.com/guide/web-fetch.

```
{
  "type": "web_fetch_20250910",
  "name": "web_fetch",
  "allowed_domains": ["lab.example.net"]
}
```

The first hop is allowed; the second is checked against the same list and fails, so the whole fetch
ends with url_not_allowed and nothing from docs.example.com enters the context. Add the destination
domain to the list if the shortener is meant to be a doorway to it.
""",
    ),
    (
        "Homograph attacks: a look-alike link in a user message",
        """
A message forwarded from an unknown sender contains the link https://dоcs.example.com/guide/web-fetch
written with a Cyrillic о. The tool allows docs.example.com only. When the model tries to fetch the
link, the service sees its ASCII spelling.

```
{
  "type": "server_tool_use",
  "id": "srvtoolu_01LookAlike",
  "name": "web_fetch",
  "input": {"url": "https://xn--dcs-sed.example.com/guide/web-fetch"}
}
```

The A-label xn--dcs-sed.example.com is not docs.example.com or a subdomain of it, so the result is
url_not_allowed. In the corpus that host serves a convincing copy of this page with altered advice,
which is exactly what the allow list kept out of the conversation.
""",
    ),
    (
        "Content limits: reading the start of a long reference",
        """
An assistant answers quick questions about this very page, whose extracted text is far larger than the
few thousand tokens a typical question needs. The integrator sets a budget per document.

```
{
  "type": "web_fetch_20250910",
  "name": "web_fetch",
  "max_uses": 2,
  "max_content_tokens": 4000
}
```

The document block now holds roughly the first four thousand tokens of text, cut where the budget ran
out. Questions about the introduction, the tool definition or domain filtering are answered well;
questions about the glossary at the end are not, because that text never arrived. The usage object
shows input tokens a little above the budget, which is expected given the framing of the block.
""",
    ),
    (
        "Citations: checking a quoted offset",
        """
A compliance team insists that every claim in a generated summary is traceable. With citations enabled,
a sentence of the answer arrives with a char_location pointing into the fetched document.

```
{
  "type": "text",
  "text": "Cache entries live for five minutes, and every read extends them",
  "citations": [
    {
      "type": "char_location",
      "document_index": 0,
      "document_title": "Prompt caching",
      "start_char_index": 446,
      "end_char_index": 510,
      "cited_text": "The default lifetime is five minutes and each read refreshes it."
    }
  ]
}
```

The team's checker keeps the document text from the web_fetch_result, slices it from 446 to 510 and
compares the slice with cited_text. A mismatch means the client is looking at the wrong document or a
different copy of it, never that the model paraphrased: cited text is copied, not generated.

Because document_index counts documents in the order they appear in the conversation, the checker
numbers every document block it stores, fetched or supplied by the user, in the same order. A second
fetch in a later turn becomes document 1, and citations to it carry that index.
""",
    ),
    (
        "Response format: collecting documents in client code",
        """
A research notebook wants to keep every page the model read next to the answer, with the time each copy
was made. The result blocks already carry everything it needs.

```
for block in response.content:
    if block.type == "web_fetch_tool_result":
        result = block.content
        if result.type == "web_fetch_result":
            kept[result.url] = (result.retrieved_at, result.content.title)
        else:
            failures[block.tool_use_id] = result.error_code
```

Branching on the type of the inner content, rather than on the outer block, is what separates a
document from an error: both arrive inside a web_fetch_tool_result. Keying failures by tool_use_id lets
the notebook match each error with the server_tool_use block that asked for the URL.
""",
    ),
    (
        "PDF documents: a page-range citation in a paper",
        """
A student asks how long each rock pool was searched in a field survey, and links to
https://papers.example.net/tide-pools.pdf. The document block arrives as base64 with media type
application/pdf, and the citation in the answer names pages instead of characters.

```
{
  "type": "page_location",
  "document_index": 0,
  "document_title": "Life in the Intertidal Zone: A Field Survey of Rock Pools",
  "start_page_number": 2,
  "end_page_number": 3,
  "cited_text": "Each pool was photographed, measured and searched for ten minutes at low water."
}
```

Page numbers start at 1 and the end page is exclusive, so this citation covers page 2 only. A viewer
can open the PDF at that page and highlight the quoted sentence. The webfetch-kit workbench applies
max_content_tokens to text documents only and passes PDFs through whole, so long papers deserve a low
max_uses.
""",
    ),
    (
        "Caching of fetched content: a status page that looks stale",
        """
An operations bot is asked whether an incident is resolved and fetches the public status page. The page
in the browser already says resolved; the document in the result still says investigating. The
retrieved_at field explains the difference.

```
{
  "type": "web_fetch_result",
  "url": "https://status.example.com/incidents/4471",
  "retrieved_at": "2025-11-03T08:12:40Z",
  "content": {"type": "document", "title": "Incident 4471", "source": {"type": "text", "media_type": "text/plain", "data": "Status: investigating..."}}
}
```

The copy is eleven minutes older than the question. The bot now prints retrieved_at next to every
answer about live systems, so readers can judge freshness themselves, and the prompt asks the model to
mention the time of the copy whenever the user asks about the current state of something.

Nothing in the request forces a fresh copy with web_fetch_20250910. When live state matters more than
convenience, the bot's operators also link to the status page's plain-text feed, which changes its
address with every update and therefore never matches an older cached copy.
""",
    ),
    (
        "Prompt caching with fetch results: three questions about one paper",
        """
A reader asks three successive questions about https://papers.example.net/token-budgets.pdf. The first
turn fetches the paper; each following turn resends the whole conversation with a cache_control
breakpoint on the newest user message.

```
"usage": {
  "input_tokens": 61,
  "cache_creation_input_tokens": 342,
  "cache_read_input_tokens": 18904,
  "output_tokens": 287,
  "server_tool_use": {"web_fetch_requests": 0}
}
```

This is the usage of the third turn. The paper was not fetched again, which is why web_fetch_requests is
0, and almost the entire prefix, fetched document included, was read from the cache at a fraction of
the base price. Only the second answer and the new question were written to the cache.
""",
    ),
    (
        "URL validation and provenance: a guessed second page",
        """
A user shares https://news.example.com/2025/11/swift-count and asks for every article in the series.
The model notices the address pattern and tries https://news.example.com/2025/10/swift-count, which
nobody mentioned. The service refuses it before any request leaves.

```
{
  "type": "web_fetch_tool_result",
  "tool_use_id": "srvtoolu_01GuessedUrl",
  "content": {"type": "web_fetch_tool_result_error", "error_code": "url_not_in_prior_context"}
}
```

The guess might even have been right, but a model that can build addresses can also build one that
carries private data in its path. Pair fetch with web search when discovery matters: addresses returned
by a search are part of the conversation and can then be fetched.

The check is exact. Adding a query string, a different fragment or an extra path segment to an address
the user supplied produces a new address that nobody supplied, and it is refused the same way.
""",
    ),
    (
        "Data exfiltration risks: an inbox assistant",
        """
An assistant summarises incoming mail, which is untrusted, for a user whose calendar and contacts are in
the same context, which is sensitive. The team decides that fetching is useful only for the company's
own knowledge base, and configures the tool accordingly.

```
{
  "type": "web_fetch_20250910",
  "name": "web_fetch",
  "max_uses": 2,
  "allowed_domains": ["kb.example.com"]
}
```

A message that says "open this tracking link to confirm" now gets url_not_allowed, whatever domain the
sender chose. The narrow list does more than the provenance rule alone could, because the provenance
rule accepts any address that appears in the mail itself.
""",
    ),
    (
        "Server-side request forgery: a redirect to the metadata service",
        """
A team runs its own fetcher, built like the one in the webfetch-kit workbench, next to cloud services.
A public page answers with a 302 whose Location is http://169.254.169.254/latest/meta-data/; the corpus
route https://lab.example.net/redirect/metadata reproduces it.

```
{
  "type": "web_fetch_tool_result",
  "tool_use_id": "srvtoolu_01Metadata",
  "content": {"type": "web_fetch_tool_result_error", "error_code": "url_not_accessible"}
}
```

The first hop passes every check. The second would be resolved, found to be link-local and refused; in
the workbench it is stopped one step earlier, because it also downgrades https to plain http. Either
check alone keeps the metadata address unreached. The fetcher's log records which hop was refused and
why, while the model only learns that the page was not accessible, which is all it needs to know.
""",
    ),
    (
        "Timeouts and size limits: a body that inflates",
        """
A page served with Content-Encoding: gzip is about a hundred kilobytes on the wire and a hundred
mebibytes once decompressed; the corpus route https://lab.example.net/gzip-bomb serves such a body. A
fetcher that counts bytes only before decompression would happily fill its memory.

```
{
  "type": "web_fetch_tool_result",
  "tool_use_id": "srvtoolu_01GzipBomb",
  "content": {"type": "web_fetch_tool_result_error", "error_code": "content_too_large"}
}
```

The workbench counts decoded bytes as well and stops at its cap, reporting content_too_large. The
neighbouring route https://lab.example.net/drip fails differently: each byte arrives in time for the
read timeout, and only the wall-clock deadline ends it, with url_not_accessible.
""",
    ),
    (
        "Supported content types: a JSON endpoint",
        """
A developer asks the model to explain the fields of https://docs.example.com/api/tools.json. The server
answers quickly and with status 200, yet the result is an error.

```
{
  "type": "web_fetch_tool_result",
  "tool_use_id": "srvtoolu_01ToolsJson",
  "content": {"type": "web_fetch_tool_result_error", "error_code": "unsupported_content_type"}
}
```

application/json is neither text nor PDF as far as the tool is concerned. Pasting the JSON into the
message works, and so does linking to a page that documents the format. A server that labels the same
bytes text/plain would have them passed through as text, which is how the corpus route
https://lab.example.net/types/json-as-text behaves.
""",
    ),
    (
        "Character encodings: a windows-1252 page",
        """
An old French page, https://docs.example.com/legacy/charset, declares windows-1252 and contains a euro
sign, curly quotes, an em dash and accented letters. Decoded correctly, the document source reads as
follows.

```
"source": {
  "type": "text",
  "media_type": "text/plain",
  "data": "Page héritée en windows-1252\\nCette page ancienne est encodée en windows-1252... des guillemets “typographiques”... Prix de l’abonnement : 12 € par mois..."
}
```

Decoded as UTF-8 instead, every one of those characters would become a replacement mark, and decoded as
strict ISO-8859-1 the euro sign would become an invisible control character. The text block is always
UTF-8, whatever the page declared, so clients never need to know the original charset.
""",
    ),
    (
        "Combining search and fetch: finding the announcement first",
        """
A user asks when the web fetch beta started but gives no link. With both tools available, the model
searches, reads the result list, and fetches the most relevant article in full.

```
{
  "model": "claude-sonnet-4-6",
  "max_tokens": 4096,
  "tools": [
    {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
    {"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 3, "citations": {"enabled": true}}
  ],
  "messages": [{"role": "user", "content": "When did the web fetch beta start, and what did the announcement promise?"}]
}
```

The search result list includes https://news.example.com/2025/09/web-fetch-beta, which makes that address
fetchable. The answer cites the fetched article rather than the search snippet, because the article
contains the full announcement while the snippet holds only its opening lines.
""",
    ),
    (
        "Usage and pricing: estimating a research session",
        """
A team budgets a research session in which the model reads one documentation page, two blog posts and a
twenty-page paper. Using the sizes in the table of the pricing section, the fetched text comes to about
20,000 plus 2 times 4,000 plus 40,000 tokens, or roughly 68,000 input tokens.

```
"usage": {
  "input_tokens": 69412,
  "output_tokens": 1504,
  "server_tool_use": {"web_fetch_requests": 4}
}
```

Four fetches cost nothing by themselves; the 69,412 input tokens are billed at the model's input rate.
For a model whose base input price is three dollars per million tokens this single answer costs about
twenty cents of input. Setting max_content_tokens to 10,000 would have capped the paper and the
documentation page and cut the figure by more than half.
""",
    ),
    (
        "Error codes: mapping each code to an action",
        """
A production integration needs to decide, for every failed fetch, whether to retry, to tell the user or
to change its configuration. A small table in code keeps the decision in one place.

```
ACTIONS = {
    "invalid_tool_input": "report: the URL is malformed",
    "url_too_long": "report: ask for a shorter link",
    "url_not_allowed": "review allowed_domains / blocked_domains",
    "url_not_in_prior_context": "ask the user to paste the address",
    "url_not_accessible": "retry once later, then report",
    "too_many_requests": "back off, then retry",
    "unsupported_content_type": "ask for an HTML or PDF version",
    "max_uses_exceeded": "raise max_uses or split the task",
    "content_too_large": "link to a smaller document",
    "unavailable": "retry with exponential backoff",
}
```

Only three codes are worth an automatic retry: too_many_requests, unavailable, and url_not_accessible
when it is caused by a timeout. Every other code will fail the same way on a second attempt, so retrying
it only spends time.

The model sees these codes too, and usually explains them well without help. The table is for the
application around the model: dashboards, alerts and the decision whether to send the same request
again later.
""",
    ),
    (
        "HTTP status codes: a site that rate-limits",
        """
A crawler-shy site answers 429 with Retry-After: 7 when it is busy. The corpus route
https://lab.example.net/status/429 behaves the same way, and https://lab.example.net/status/503 sends the
same header with a 503.

```
[
  {"url": "https://lab.example.net/status/429", "error_code": "too_many_requests"},
  {"url": "https://lab.example.net/status/503", "error_code": "url_not_accessible"},
  {"url": "https://lab.example.net/status/404", "error_code": "url_not_accessible"}
]
```

Only the 429 maps to too_many_requests; a 503 is an inaccessible page even though it also asks the
client to come back later. The Retry-After value is not passed to the model, so a client that wants to
honour it must retry on its own schedule.
""",
    ),
    (
        "Streaming: showing progress while a page loads",
        """
A chat interface streams answers and wants to show a "reading" indicator while a fetch is in flight.
The stream provides a clean signal: a content_block_start for a server_tool_use block, then input JSON
deltas holding the URL, then a pause, then the result block.

```
event: content_block_start
data: {"type": "content_block_start", "index": 1, "content_block": {"type": "server_tool_use", "id": "srvtoolu_01Stream", "name": "web_fetch"}}
event: content_block_delta
data: {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\\"url\\": \\"https://blog.example.org/posts/homographs\\"}"}}
event: content_block_stop
data: {"type": "content_block_stop", "index": 1}
```

The interface shows the indicator when the server_tool_use block starts, fills in the host name once the
input JSON is complete, and clears the indicator when the web_fetch_tool_result block starts. No polling
is needed, and the pause is simply a gap between events.
""",
    ),
    (
        "Batch requests: summarising fifty links overnight",
        """
A newsletter summarises fifty links each night. Latency does not matter, so the requests go through the
Message Batches API, each with its own custom_id and the fetch tool in its parameters.

```
{
  "custom_id": "digest-2025-11-18-017",
  "params": {
    "model": "claude-haiku-4-5",
    "max_tokens": 600,
    "tools": [{"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 1, "max_content_tokens": 6000}],
    "messages": [{"role": "user", "content": "Summarise in three sentences: https://news.example.com/2025/11/harbour-festival"}]
  }
}
```

Fetches inside a batch are priced like any other request. max_uses of 1 keeps each item to the single
link it was given, and the content budget stops a surprisingly long page from inflating one item of the
batch far beyond the others.

Results come back in no particular order, so the newsletter matches them to links through custom_id.
Items whose fetch failed still produce a message, with the error block inside and usually a short
explanation from the model, which the editor reviews before the digest is sent.
""",
    ),
]

TROUBLESHOOTING_INTRO = """
Each entry starts from what you observe, names the usual cause and gives a fix. The error codes are
those of the current SDK; see the design notes for how they relate to the codes listed earlier on this
page.
"""

# (problem, symptom, cause, fix)
TROUBLESHOOTING: list[tuple[str, str, str, str]] = [
    (
        "url_not_in_prior_context after a redirect",
        "The user pasted a short link that was fetched successfully. In a later turn the model tries to fetch the long address the short link led to and gets url_not_in_prior_context.",
        "Redirect targets are followed inside one fetch, but the Location headers never enter the conversation. The long address was never written in a message or a result, so the provenance rule treats it as invented.",
        "Ask the model to fetch the short link again, or have the user paste the final address. If the fetched page prints its own canonical address in its text, that address is part of a fetch result and becomes fetchable.",
    ),
    (
        "A page comes back as a title and nothing else",
        "The fetch succeeds, but the document holds a page title, perhaps a line saying JavaScript is required, and no content.",
        "The site is a single-page application: the server sends an empty shell and a script builds the page in the browser. The fetcher does not run scripts. The corpus page https://docs.example.com/app/ is such a shell.",
        "Look for a server-rendered alternative: a documentation mirror, a print view, a plain-text export or a PDF. If none exists, the content cannot be fetched with this tool.",
    ),
    (
        "A long PDF fills the context window",
        "A question about a two-hundred-page report produces a very large input token count, even though max_content_tokens was set.",
        "The content budget is designed around extracted text. PDFs travel as base64 documents that the model reads page by page, so a large PDF can exceed the budget you had in mind for text pages; the webfetch-kit workbench does not truncate PDFs at all.",
        "Link to the chapter or section you need when the publisher offers one, lower max_uses so the model does not fetch several reports, and rely on prompt caching if the conversation continues about the same file.",
    ),
    (
        "Accented letters turn into odd symbols",
        "A French or German page shows sequences such as Ã© where é should be, or question-mark boxes in place of the euro sign and curly quotes.",
        "The page was decoded with the wrong character set: windows-1252 bytes read as UTF-8, or UTF-8 bytes read as Latin-1. The usual culprit is a header and a meta tag that disagree, or a page that declares nothing.",
        "A careful fetcher honours the header, then the meta tag, then detection, and treats a declared ISO-8859-1 as windows-1252. Apply that order in a self-built fetcher and test it with https://docs.example.com/legacy/charset, which the workbench decodes correctly.",
    ),
    (
        "Frequent too_many_requests errors",
        "Several fetches in a row, often to the same site, end with too_many_requests.",
        "Either the site answered 429 because the conversation asked for many of its pages at once, or the fetch service is limiting the rate of your requests.",
        "Spread work on one site over several requests, lower max_uses so a single answer cannot hammer one host, and retry after a pause with exponential backoff. The model does not see Retry-After, so honour it in your own retry logic where you can.",
    ),
    (
        "A look-alike domain passes the block list",
        "You blocked a phishing site under its visible name, yet the model fetched and quoted a page from a host that looks exactly like it.",
        "The host name uses a character from another script. Its A-label, for example xn--dcs-sed.example.com, is a different domain from the one you blocked, and a block list only matches the names written in it.",
        "Prefer an allow list of ASCII names when the set of useful sites is small. Otherwise add the A-labels of known look-alikes to the block list and audit fetched URLs for the xn-- prefix.",
    ),
    (
        "url_not_allowed for a page that is on the allow list",
        "The URL's host is in allowed_domains, yet the fetch fails with url_not_allowed.",
        "The page redirected to a host that is not on the list, or the entry is a subpath rule that does not cover the path, or the entry was written with a scheme such as https:// and never matches a host.",
        "Open the URL in a browser and note where it lands, add that domain if it is trusted, and write entries as bare host names or host/path prefixes without a scheme.",
    ),
    (
        "invalid_tool_input for an address that works in a browser",
        "A URL the user can open fails immediately with invalid_tool_input.",
        "Browsers repair many malformed addresses silently: missing schemes, spaces, backslashes. The tool needs an absolute http or https URL; the workbench also refuses addresses that carry a user name or password.",
        "Add the scheme, percent-encode spaces, and remove credentials from the address. A link such as ftp://files.example.com/report.txt needs an http or https mirror.",
    ),
    (
        "url_too_long for a tracking link",
        "A link copied from a marketing email fails with url_too_long.",
        "The address exceeds 250 characters, usually because of tracking parameters appended to a short path.",
        "Strip the tracking parameters and keep the path; most pages ignore the parameters anyway. If the address is long by design, link to a shorter page that leads to it.",
    ),
    (
        "The answer quotes an outdated version of a page",
        "The model reports a price or a version number that the live page no longer shows.",
        "Fetch results may come from the service's cache, so the copy can be older than the page. retrieved_at records when the copy was made.",
        "Show retrieved_at to users for time-sensitive answers. Newer tool versions (web_fetch_20260309 and later) accept use_cache set to false for pages where freshness matters more than speed.",
    ),
    (
        "content_too_large for a data export",
        "A fetch of a very large file stops with content_too_large instead of a truncated document.",
        "The body exceeded the size the fetcher is willing to download. max_content_tokens truncates text that has been downloaded and extracted; it cannot help with a body that is too large to download in the first place.",
        "Link to a smaller rendition: a summary page, one chapter, or a paginated view. For data files, fetch is the wrong tool; load them with your own code.",
    ),
    (
        "max_uses_exceeded although the model fetched very little",
        "The answer says it could not read a page, the result shows max_uses_exceeded, and only one or two documents arrived.",
        "Refused and failed fetches count as uses too. A wrong guess refused by the provenance rule or the allow list spends an attempt just like a successful fetch.",
        "Give the model the exact addresses it needs, keep allowed_domains in line with the links you provide, and leave one or two uses of headroom above the number of pages you expect.",
    ),
    (
        "A PDF fetch fails for one paper and works for another",
        "Most papers are read normally, but one returns an error or a document with no usable text.",
        "The failing file is encrypted, truncated during download, or a scan without a text layer. The corpus has examples of the first two at https://papers.example.net/encrypted.pdf and https://papers.example.net/truncated.pdf.",
        "Find an unprotected copy or the HTML version of the paper. For scans, text extraction has nothing to work with; an OCR step outside the tool is required.",
    ),
    (
        "Citation offsets do not match the text you stored",
        "Slicing your copy of the document with start_char_index and end_char_index gives text that differs from cited_text.",
        "You stored a different copy: the page fetched again later, the HTML instead of the extracted text, or a string that went through whitespace normalisation. Offsets count characters of the document as returned, and document_index refers to the order of documents in the conversation.",
        "Keep the data field of the document block exactly as received, index documents in the order they appear, and compare slices against that text only.",
    ),
    (
        "A fetch takes far longer than usual",
        "One answer pauses for many seconds at the fetch before continuing, or ends with url_not_accessible after a long wait.",
        "The server is slow to send its first byte, or sends its body very slowly. Fetchers apply a deadline to the whole fetch, redirects included, so a slow site eventually fails rather than hanging.",
        "Nothing in the request can speed up a slow site. Offer a faster mirror if one exists, and in a streaming interface show that a fetch is in progress so the pause is explained.",
    ),
    (
        "A JSON or image link always fails",
        "Links to API responses, PNG diagrams or zip archives end with unsupported_content_type.",
        "Only text and PDF are accepted; the server's Content-Type, checked against the first bytes of the body, decides.",
        "Paste small JSON documents into the message directly, describe images with a vision-capable request that includes the image itself, and link to documentation pages rather than to raw API endpoints.",
    ),
    (
        "The request is rejected before the model runs",
        "The API answers with an HTTP 400 and no fetch takes place.",
        "The tool definition is invalid: both allowed_domains and blocked_domains are present, the type names a version that does not exist, or a parameter has the wrong type, such as max_uses written as a string.",
        "Keep exactly one domain list, check the type string against the tool versions your model supports, and validate the definition in code before sending it.",
    ),
    (
        "Costs jump after enabling fetch",
        "Input token counts per request are several times higher than before the tool was added.",
        "Each fetched document becomes input for the request, and in a multi-turn conversation it is sent again on every later turn as part of the history.",
        "Set max_content_tokens, cap max_uses, and add a cache_control breakpoint to the latest message so that earlier documents are read from the prompt cache instead of billed at the full input price.",
    ),
    (
        "The model answers without fetching the link",
        "The user included an address, the tool was in the request, yet the answer is written from general knowledge and no server_tool_use block appears.",
        "The model decides when a fetch would help. A question that seems answerable without the page, an address buried in a long message, or an instruction to be brief can all lead it to skip the fetch.",
        "Say explicitly that the answer must be based on the linked page, put the address close to the question, and check that the tool is listed in this request, not only in an earlier one.",
    ),
    (
        "The workbench and the live API disagree",
        "A scenario that passes against the offline corpus behaves differently against the real service: a different token count, a slightly different document text, or an error code you did not expect.",
        "The workbench extracts text with its own pipeline and counts tokens with an offline tokenizer, so document texts and counts are close to the service's but not identical. The live service also caches pages and may apply limits the emulator does not know about.",
        "Assert on block shapes, error codes and citation consistency rather than on exact token counts or exact document text, and keep a small set of checks that run against the live API before each release.",
    ),
]

RECIPES_INTRO = """
Recipes combine the parameters documented above into configurations for common applications. Each one
names the settings that matter and why; adjust the numbers to your own traffic and budget.
"""

RECIPES: list[tuple[str, str]] = [
    (
        "Research assistant: search, then fetch",
        """
Give the model both tools and let the search results define what may be read. Limit searches to two or
three, so that the model commits to a small set of sources, and allow a few more fetches than searches,
because a good search result often deserves a full read while a mediocre one does not.

```
"tools": [
  {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
  {"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 5, "max_content_tokens": 20000, "citations": {"enabled": true}}
]
```

Ask in the system prompt for answers that cite fetched pages rather than search snippets. Snippets are
short and can be out of date, while a fetched document carries a retrieval time and exact text to quote.
""",
    ),
    (
        "Documentation question answering with allowed_domains",
        """
An assistant that answers questions about one product should read only that product's documentation.
Put the documentation host in allowed_domains, enable citations, and include the address of the
documentation index in the first user message so that the model always has a starting point.

- allowed_domains: ["docs.example.com"] keeps the assistant on the official site and rejects look-alike hosts.
- citations enabled lets the interface link each answer sentence to the paragraph it came from.
- max_uses of 3 is usually enough: the index, the relevant guide, and one follow-up page.

When the index page lists the guides by absolute address, every guide is fetchable as soon as the index
has been fetched, because addresses in a fetch result count as part of the conversation.
""",
    ),
    (
        "Cost-capped fetching",
        """
When every request must stay under a known cost, bound the two quantities that drive it: the number of
documents and the size of each. The worst case of fetched input is then simply the product of max_uses
and max_content_tokens, plus a little framing.

```
{
  "type": "web_fetch_20250910",
  "name": "web_fetch",
  "max_uses": 3,
  "max_content_tokens": 8000
}
```

This definition caps fetched text near 24,000 tokens per request. Pair it with a smaller model such as
claude-haiku-4-5 for triage tasks, and keep a larger model for the questions that turn out to need deep
reading of a page.
""",
    ),
    (
        "Multi-turn conversations about one fetched document",
        """
Fetch the document once and discuss it for many turns. The first response contains the fetch result;
append that response to the message list unchanged and move the cache_control breakpoint to the newest
user message. Later turns read the fetched text from the prompt cache.

```
messages.append({"role": "assistant", "content": first.content})
messages.append({
    "role": "user",
    "content": [{"type": "text", "text": "Which limitations do the authors admit?", "cache_control": {"type": "ephemeral"}}]
})
```

Do not edit or summarise the earlier assistant content before sending it back: any change to the prefix
invalidates the cache from that point on. If turns are more than five minutes apart, request the
one-hour lifetime so that the document is still cached when the reader returns.
""",
    ),
    (
        "Displaying citations to readers",
        """
Render each text block of the answer in order. When a block has citations, attach a marker to it and
show, on hover or in a footnote, the cited_text, the document title and a link to the fetched URL. For
PDF citations, link to the page number as well, since most viewers accept a page fragment.

- Keep the link pointing at the original source, not at a cached copy on your servers.
- Show retrieved_at when the content is time-sensitive, such as prices, schedules or incident reports.
- Never rewrite cited_text; it is the exact span the model relied on.

The webfetch-kit notebooks render fetched documents with the cited spans highlighted, which makes it easy
to check that each marker points at a passage that really supports the sentence.
""",
    ),
    (
        "Link checking in a content pipeline",
        """
A publishing pipeline wants to know whether the pages an article links to still say what the article
claims. Send the article text in the user message, so every link in it is in the conversation, and ask
the model to fetch each link and report mismatches.

Set max_uses to the number of links plus one, keep citations enabled so that each verdict quotes the
linked page, and treat url_not_accessible as a finding in its own right: a link that no longer resolves
is something the editors want to hear about.
""",
    ),
    (
        "Safe fetching for agents that see untrusted input",
        """
An agent that reads web pages, emails or tickets will eventually meet text written to manipulate it.
Combine the protections rather than relying on one.

- Keep the provenance rule's benefit by never echoing secrets into user messages or client tool results that also contain URLs.
- Restrict allowed_domains to the sites the task needs, which defeats both invented addresses and look-alike hosts.
- Keep max_uses small, so that a manipulated model cannot make many requests before a human sees the transcript.
- Log every server_tool_use input, so that unexpected addresses can be reviewed after the fact.

When the agent holds sensitive data that must never leave, the safest configuration is the simplest:
do not offer the fetch tool in that conversation at all.
""",
    ),
    (
        "Comparing two versions of a document",
        """
To compare a document with its previous version, provide both addresses in the user message, for
example a current changelog and an archived copy, and enable citations. The model fetches both and
cites each side of every difference it reports, so a reviewer can check the comparison line by line.

Set max_content_tokens high enough for the longer of the two documents. A comparison made against a
truncated copy will report the missing tail as deleted text, which is a misleading result that looks
entirely plausible.
""",
    ),
    (
        "Offline testing with the webfetch-kit workbench",
        """
Before pointing an integration at the live API, run it against the offline corpus. The workbench serves
the example hosts on a loopback port and emulates the fetch tool's rules, so the same request bodies
produce the same block shapes, including errors.

- Use https://lab.example.net/status/429 and https://lab.example.net/status/503 to exercise retry logic.
- Use https://lab.example.net/redirect/cross-host with an allow list to test redirect handling.
- Use https://xn--dcs-sed.example.com/guide/web-fetch to confirm that look-alike hosts are refused.
- Use this page with a small max_content_tokens to see truncation on a long document.

Every request the corpus server receives is recorded, so a test can assert that a refused address never
produced any network traffic at all.
""",
    ),
    (
        "Translating a page while keeping citations to the original",
        """
A reader wants an English version of a page written in French, with each translated claim traceable to
the original wording. Ask for the translation in the user message together with the address, and enable
citations. The cited_text of every citation stays in French, exactly as the page has it, while the
answer itself is in English.

Readers who know both languages can then check the translation sentence by sentence. For long pages,
ask for a translation of one section at a time: the document is fetched once, and prompt caching keeps
the follow-up requests for the next sections inexpensive.
""",
    ),
]

DESIGN_NOTES = """
These notes explain why the tool behaves as it does. They are not rules to follow, but knowing the
reasons makes the rules easier to predict.

### Why the fetch runs on the server

A client-side tool would require every application to build a safe fetcher: address checks, redirect
handling, decompression limits, charset detection and text extraction. Running the fetch next to the
model gives every integration the same, audited behaviour, and it lets the service cache popular pages
for everyone instead of each client downloading them again.

### Why only URLs already in the conversation

The provenance rule trades some convenience for a large reduction in risk. A model that could fetch any
address could be persuaded, by text it has just read, to encode private data into an address and send
it to a server that records requests. Limiting fetches to addresses that a user, a client tool or an
earlier search or fetch supplied removes that path without removing the common use: reading a link
someone provided. Matching is exact, not by prefix, because a prefix rule would let the model append a
query string to an address it has seen.

### Why errors are results and not HTTP failures

A failed fetch is information the model can use. Returning it as a result block with a code lets the
model explain the problem, try another source, or continue without the page, all within the same
response. An HTTP error for the whole request would discard the rest of the answer because of a single
unreachable link.

### Why the error codes on this page differ from the SDK

The Error codes section above follows the beta documentation, which names the malformed-address code
invalid_input and the error content web_fetch_tool_error. The current SDK spells them invalid_tool_input
and web_fetch_tool_result_error, and adds url_not_in_prior_context for addresses refused by the
provenance rule and content_too_large for bodies over the size limit. The new examples, the
troubleshooting entries and the recipes on this page use the SDK's spellings, because those are what
client code receives and validates.

### Why there is no JavaScript rendering

Running scripts would make the fetcher a browser, with the cost, latency and attack surface of one.
Most documentation, news and reference pages are rendered on the server, and those are the pages a
model benefits from reading. Keeping the fetcher to plain HTTP makes its behaviour predictable and its
results reproducible.

### Why max_content_tokens is approximate

Truncation happens before the document reaches the model and uses a fast tokenizer chosen for that
purpose, which is not necessarily the tokenizer of the model that will read the text. Cutting at a
sentence boundary also leaves a little room below the limit. The alternative, an exact count against
each model's tokenizer, would make the limit depend on the model and slow every fetch down for a
precision that budgets rarely need.

### Why subdomains are included and subpaths match whole segments

Most sites spread one organisation's content over several hosts: docs, blog, status. Requiring each
host to be listed would push integrators towards overly broad rules elsewhere. Matching subpaths by
whole segments avoids the opposite surprise, in which a rule for /blog would also open /blogroll or
/blog-archive-of-someone-else.

### Why a request may not hold both domain lists

An allow list and a block list together raise questions with no obvious answer: whether a blocked
subdomain of an allowed domain is reachable, or whether an allowed subpath of a blocked domain is. A
single list has one reading, which is easier to audit and harder to get wrong.

### Why every redirect hop is checked again

A redirect is the server's way of saying that the content lives somewhere else. If only the first
address were checked, any allowed site with an open redirect would become a doorway to every other site,
blocked or internal. Checking every hop with the same rules makes the final address, not the first one,
the address that matters.

### Why fetches have no per-use fee

The cost of a fetch to the application is dominated by the tokens it adds to the context, and those are
already billed as input. Counting fetches in usage.server_tool_use.web_fetch_requests keeps them visible
for monitoring, while the absence of a separate fee means a cached document costs the same as a freshly
downloaded one.

### Why retrieved_at instead of a freshness guarantee

Promising that every fetch reaches the origin would make popular pages slow and would multiply the load
on sites that many conversations read at once. Reporting when the copy was made is cheaper and more
honest: the application, which knows whether its question is about a recipe or a stock price, can
decide whether the copy is fresh enough and say so to its users.

### Why PDFs stay PDFs

Flattening a PDF into plain text would lose its pages, and with them the most useful way to cite it.
Returning the file as a base64 document lets the model read the text layer page by page and lets
citations name page ranges a reader can open directly. The cost is size: a PDF document is larger than
the text it contains, which is why max_uses matters more for papers than for web pages.

### Why the fetcher does not run the model's code

Container-based tools such as code execution can produce any string, including addresses built from
private data. Treating their output as a source of fetchable addresses would reopen the path that the
provenance rule closes, so addresses printed by those tools do not count, while results of client tools,
which the application itself controls, do.
"""

SETTINGS_BY_USE_CASE_INTRO = """
The table suggests starting values for common applications. They are starting points for measurement,
not limits the service imposes; the right values depend on the pages your users actually link to.
"""

SETTINGS_BY_USE_CASE: list[tuple[str, str, str, str, str]] = [
    ("chat about a pasted link", "2", "none", "12000", "on"),
    ("documentation assistant", "3", "allowed_domains: the docs host", "20000", "on"),
    ("research with web search", "5", "none, or blocked_domains for known bad sites", "20000", "on"),
    ("inbox or ticket triage", "1 to 2", "allowed_domains: the company knowledge base", "6000", "off"),
    ("overnight batch summaries", "1", "none", "6000", "off"),
    (
        "paper reading and review",
        "2",
        "allowed_domains: the publisher hosts",
        "none for PDFs, 30000 for HTML",
        "on",
    ),
    ("link checking before publication", "number of links plus one", "none", "8000", "on"),
    (
        "agent with sensitive data in context",
        "0: leave the tool out",
        "not applicable",
        "not applicable",
        "not applicable",
    ),
]

WALKTHROUGH = """
This walkthrough follows one short conversation from the first request to the second answer, showing
every block the application sends and receives. The model is asked about this project's caching guide,
answers with a citation, and then answers a follow-up from the cached prefix without fetching again.

### Turn one: the request

The user message contains the address, so the address is in the conversation before the model does
anything. Citations are enabled because the application displays sources under each answer.

```
{
  "model": "claude-sonnet-4-6",
  "max_tokens": 1024,
  "tools": [{"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 2, "citations": {"enabled": true}}],
  "messages": [
    {"role": "user", "content": "According to https://docs.example.com/guide/caching, how many cache breakpoints can one request hold?"}
  ]
}
```

### Turn one: the response

The assistant message holds four kinds of block in order: a sentence of text, the server_tool_use
block, the web_fetch_tool_result block with the document, and the answer text with its citation.

```
{
  "role": "assistant",
  "stop_reason": "end_turn",
  "content": [
    {"type": "text", "text": "I'll read the caching guide."},
    {"type": "server_tool_use", "id": "srvtoolu_01Caching", "name": "web_fetch", "input": {"url": "https://docs.example.com/guide/caching"}},
    {"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_01Caching", "content": {
      "type": "web_fetch_result",
      "url": "https://docs.example.com/guide/caching",
      "retrieved_at": "2025-11-20T14:02:11Z",
      "content": {"type": "document", "title": "Prompt caching", "citations": {"enabled": true},
                  "source": {"type": "text", "media_type": "text/plain", "data": "Prompt caching\\nPrompt caching makes long conversations..."}}}},
    {"type": "text", "text": "A single request can hold at most four breakpoints.", "citations": [
      {"type": "char_location", "document_index": 0, "document_title": "Prompt caching",
       "start_char_index": 600, "end_char_index": 644, "cited_text": "A request may hold at most four breakpoints."}]}
  ],
  "usage": {"input_tokens": 1402, "output_tokens": 58, "server_tool_use": {"web_fetch_requests": 1}}
}
```

The application stores the whole content list. It shows the final text with a footnote built from the
citation, and it keeps the document text so the footnote can be verified later.

### Turn two: the follow-up

The second request repeats the first user message and the complete assistant content, then adds the new
question with a cache_control breakpoint. The tool stays in the request so the model could fetch again
if it needed to; this time it does not.

```
{
  "role": "user",
  "content": [
    {"type": "text", "text": "And how long does a cache entry live if nobody reads it?", "cache_control": {"type": "ephemeral"}}
  ]
}
```

The answer cites the sentence about the five-minute default lifetime from the same document, which is
still document 0 because it is the first document in the conversation. The usage of this turn shows
web_fetch_requests of 0 and the input tokens split between cache creation for the new prefix and plain
input, because turn one had no breakpoint to read from. From turn three onwards, the prefix that holds
the document is read from the cache.

### What the application checked

- The tool_use_id of the result matched the id of the server_tool_use block.
- The inner content type was web_fetch_result, not web_fetch_tool_result_error.
- Each citation's cited_text equalled the slice of the stored document text at its offsets.
- retrieved_at was recent enough for a question about documentation, so it was not shown to the user.
"""

CORPUS_SCENARIOS_INTRO = """
The webfetch-kit workbench serves a small offline web on a loopback port. The table lists the addresses
that exercise each rule of this reference, and the outcome the workbench's fetcher gives with default
settings (no domain list, a five-second deadline, a ten-mebibyte body cap). Use it as a checklist when
testing an integration, and expect the live service to agree on error codes while differing in details.
"""

CORPUS_SCENARIOS: list[tuple[str, str, str]] = [
    ("https://lab.example.net/ok", "a small, well-behaved page", "document"),
    ("https://lab.example.net/redirect/once", "one 302 to /ok", "document from /ok"),
    ("https://lab.example.net/redirect/chain/5", "five redirects in a row", "document from /ok"),
    (
        "https://lab.example.net/redirect/chain/12",
        "more hops than the redirect limit of ten",
        "url_not_accessible",
    ),
    (
        "https://lab.example.net/redirect/loop",
        "two addresses redirecting to each other",
        "url_not_accessible",
    ),
    (
        "https://lab.example.net/redirect/private",
        "redirect to a private address over plain http",
        "url_not_accessible",
    ),
    (
        "https://lab.example.net/redirect/metadata",
        "redirect to the cloud metadata service",
        "url_not_accessible",
    ),
    ("https://lab.example.net/redirect/downgrade", "redirect from https to http", "url_not_accessible"),
    ("https://lab.example.net/status/404", "a missing page", "url_not_accessible"),
    ("https://lab.example.net/status/429", "a rate-limited site with Retry-After", "too_many_requests"),
    ("https://lab.example.net/status/503", "an overloaded site with Retry-After", "url_not_accessible"),
    (
        "https://lab.example.net/slow?delay=8",
        "first byte after eight seconds",
        "url_not_accessible (deadline)",
    ),
    (
        "https://lab.example.net/drip",
        "one byte every fifth of a second, forever",
        "url_not_accessible (deadline)",
    ),
    ("https://lab.example.net/endless", "a fast body that never ends", "content_too_large"),
    ("https://lab.example.net/gzip-bomb", "a small gzip body that inflates to 100 MiB", "content_too_large"),
    ("https://lab.example.net/big/sized", "20 MiB announced in Content-Length", "content_too_large"),
    ("https://lab.example.net/encoding/unknown", "a content coding nobody can decode", "url_not_accessible"),
    ("https://lab.example.net/types/pdf-as-html", "a PDF labelled text/html", "PDF document (sniffed)"),
    ("https://lab.example.net/types/json-as-text", "JSON labelled text/plain", "text document"),
    ("https://docs.example.com/api/tools.json", "JSON labelled application/json", "unsupported_content_type"),
    ("https://docs.example.com/img/pipeline.png", "a PNG image", "unsupported_content_type"),
    ("https://docs.example.com/app/", "a JavaScript-only shell", "document with almost no text"),
    ("https://docs.example.com/legacy/charset", "a windows-1252 page", "document with correct accents"),
    ("https://papers.example.net/encrypted.pdf", "a password-protected PDF", "url_not_accessible"),
    ("https://papers.example.net/truncated.pdf", "a PDF cut off mid-file", "unsupported_content_type"),
    (
        "https://xn--dcs-sed.example.com/guide/web-fetch",
        "the look-alike docs host",
        "document; url_not_allowed under allowed_domains docs.example.com",
    ),
]

PRODUCTION_CHECKLIST = """
Before enabling the tool for real users, walk through this list. Each item corresponds to a section of
this reference and to at least one worked example or troubleshooting entry above.

- Decide whether fetching is needed at all in conversations that hold sensitive data.
- Choose one domain list, allowed_domains or blocked_domains, and write its entries without schemes.
- Prefer ASCII names, and add known look-alike A-labels when you rely on a block list.
- Set max_uses to the number of pages a good answer needs, plus a little headroom.
- Set max_content_tokens from your cost budget, remembering that the limit is approximate.
- Enable citations wherever answers are shown to people, and display them next to the text they support.
- Verify cited_text against the stored document text in tests.
- Handle every error code, retrying only too_many_requests, unavailable and timeouts.
- Show retrieved_at for answers about things that change by the hour.
- Add a cache_control breakpoint to the newest message in multi-turn conversations about fetched pages.
- Record server_tool_use inputs and web_fetch_requests for monitoring and audits.
- Run the integration against the offline corpus, then against the live API, before each release.
"""
