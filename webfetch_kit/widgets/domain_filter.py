"""The domain filter editor: edit one domain list, test URLs against it live, export the tool definition.

Everything the editor shows is computed by :class:`~webfetch_kit.rules.policy.FetchPolicy`; the widget only
splits the text boxes into entries and renders the results. Text typed by the user (entries, URLs) is
untrusted: the panels are rendered from ``widgets/templates/domain_filter.html.j2`` with autoescape, so it
is escaped before it reaches an HTML widget (the widget sets its value as ``innerHTML`` unsanitized, so an
unescaped ``<img onerror=...>`` would run).

Stable hooks for browser tests (CSS classes set with ``add_class`` on the widgets, and classes and
``data-`` attributes inside the generated HTML):

* the editor: ``wfk-domain-filter``; entries ``wfk-domains`` (a textarea); list switch ``wfk-list-kind``;
  test URLs ``wfk-test-urls`` (a textarea); options ``wfk-max-uses``, ``wfk-max-content-tokens``,
  ``wfk-citations-toggle``, ``wfk-version``;
* ``wfk-verdicts``: a ``table.wfk-verdict-table`` (``data-policy`` is ``current`` or ``last-valid``) with
  one ``tr.wfk-verdict-row[data-url][data-verdict]`` per URL, cells ``td.wfk-url``,
  ``td.wfk-verdict.wfk-allowed`` / ``td.wfk-verdict.wfk-refused``, ``td.wfk-error-code``,
  ``td.wfk-rule``, ``td.wfk-reason``;
* ``wfk-warnings``: one ``div.wfk-warning[data-entry][data-kind]`` per homograph warning, with
  ``code.wfk-resembles`` and a ``table.wfk-chars`` of ``td.wfk-codepoint``, ``td.wfk-charname``,
  ``td.wfk-script``;
* ``wfk-error``: one ``li.wfk-error-message`` per problem (empty when the entries are valid);
* ``wfk-tool-param``: ``pre.wfk-tool-param-json``, the SDK tool dict as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..citations.templating import environment
from ..errors import PolicyError
from ..rules import tooldefs as _tooldefs
from ..rules.domains import parse_domain_entry
from ..rules.homoglyphs import PolicyWarning
from ..rules.policy import FetchPolicy
from ..rules.tooldefs import DEFAULT_FETCH_VERSION
from ..rules.verdict import Verdict

if TYPE_CHECKING:
    from ..rules.tooldefs import WebFetchToolParam

__all__ = ["DomainFilterEditor", "split_entries"]

# More test URLs than this are not judged: the table is for trying URLs, not for bulk checks.
_MAX_TEST_URLS = 200


def _macros() -> Any:
    """The macros of ``domain_filter.html.j2``."""
    return environment(__package__).get_template("domain_filter.html.j2").module


def split_entries(text: str) -> list[str]:
    """Split the editor's text into list entries: one per line, commas also separate.

    Surrounding whitespace is trimmed and blank entries are dropped; anything else (including
    whitespace or invisible characters inside an entry) is kept for the policy to judge.

    Args:
        text: the text box's value.

    Returns:
        The entries in order.
    """
    return [entry.strip() for line in text.splitlines() for entry in line.split(",") if entry.strip()]


def _split_urls(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _optional_int(text: str, name: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise PolicyError(
            f"{name} must be a positive whole number, or empty for no limit, got {text!r}"
        ) from None


class DomainFilterEditor(widgets.VBox):  # type: ignore[misc]
    """Edit ``allowed_domains`` or ``blocked_domains``, see each test URL's verdict, export the tool param.

    The entries box holds one list; the toggle says which one ("never both" is how the tool works, so
    switching moves the entries to the other list). Invalid entries show their fix-it messages in the
    error area and never raise; verdicts then use the last valid policy, and say so.

    Args:
        policy: the starting policy (its list, limits and citations setting); None starts empty.
        test_urls: URLs to judge from the start.
        version: the ``web_fetch_*`` version shown in the tool definition.

    Example:
        >>> editor = DomainFilterEditor()
        >>> editor.entries.value = "example.com"
        >>> editor.test_urls.value = "https://evil-example.com/"
        >>> editor.verdicts[0][1].error_code
        'url_not_allowed'
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        test_urls: Iterable[str] = (),
        version: str = DEFAULT_FETCH_VERSION,
    ) -> None:
        super().__init__()
        policy = policy if policy is not None else FetchPolicy()
        # Options the editor has no control for (use_cache, url_sources) are carried over from here.
        self._initial = policy
        self._policy: FetchPolicy | None = policy
        self._last_valid: FetchPolicy = policy
        self._errors: list[str] = []
        self._warnings: list[PolicyWarning] = []
        self._verdicts: list[tuple[str, Verdict]] = []

        full = widgets.Layout(width="100%")
        self.list_kind = widgets.ToggleButtons(
            options=[("allowed_domains", "allowed"), ("blocked_domains", "blocked")],
            value="blocked" if policy.blocked_domains is not None else "allowed",
            tooltips=["Only these domains may be fetched", "These domains may never be fetched"],
        )
        self.entries = widgets.Textarea(
            value="\n".join(rule.entry for rule in policy.rules),
            placeholder="example.com\ndocs.example.org/blog",
            rows=6,
            layout=full,
        )
        self.max_uses = widgets.Text(
            value="" if policy.max_uses is None else str(policy.max_uses),
            placeholder="no limit",
            description="max_uses",
        )
        self.max_content_tokens = widgets.Text(
            value="" if policy.max_content_tokens is None else str(policy.max_content_tokens),
            placeholder="no limit",
            description="max_content_tokens",
            style={"description_width": "initial"},
        )
        self.citations = widgets.Checkbox(value=policy.citations, description="citations", indent=False)
        self.version = widgets.Dropdown(
            options=sorted(_tooldefs.WEB_FETCH_VERSIONS), value=version, description="version"
        )
        self.test_urls = widgets.Textarea(
            value="\n".join(test_urls),
            placeholder="https://docs.example.com/page\nhttps://evil-example.com/",
            rows=5,
            layout=full,
        )
        self.error_view = widgets.HTML()
        self.warning_view = widgets.HTML()
        self.verdict_view = widgets.HTML(layout=full)
        self.param_view = widgets.HTML(layout=full)

        for widget, css in (
            (self, "wfk-domain-filter"),
            (self.list_kind, "wfk-list-kind"),
            (self.entries, "wfk-domains"),
            (self.max_uses, "wfk-max-uses"),
            (self.max_content_tokens, "wfk-max-content-tokens"),
            (self.citations, "wfk-citations-toggle"),
            (self.version, "wfk-version"),
            (self.test_urls, "wfk-test-urls"),
            (self.error_view, "wfk-error"),
            (self.warning_view, "wfk-warnings"),
            (self.verdict_view, "wfk-verdicts"),
            (self.param_view, "wfk-tool-param"),
        ):
            widget.add_class(css)

        self.children = (
            widgets.HTML(str(_macros().heading("Domain list", "one entry per line (commas also separate)"))),
            self.list_kind,
            self.entries,
            self.error_view,
            self.warning_view,
            widgets.HBox((self.max_uses, self.max_content_tokens, self.citations)),
            widgets.HTML(str(_macros().heading("Test URLs", "one per line"))),
            self.test_urls,
            self.verdict_view,
            widgets.HTML(str(_macros().heading("Tool definition"))),
            self.version,
            self.param_view,
        )
        for widget in (
            self.list_kind,
            self.entries,
            self.max_uses,
            self.max_content_tokens,
            self.citations,
            self.version,
            self.test_urls,
        ):
            widget.observe(self._refresh, names="value")
        self._refresh()

    # -- state ------------------------------------------------------------------------------------

    @property
    def policy(self) -> FetchPolicy | None:
        """The policy the editor holds now, or None while an entry or option is invalid."""
        return self._policy

    @property
    def last_valid_policy(self) -> FetchPolicy:
        """The most recent valid policy (what the verdicts use while the entries are invalid)."""
        return self._last_valid

    @property
    def error(self) -> str:
        """The current problems, one fix-it message per line, or ``""`` when the policy is valid."""
        return "\n".join(self._errors)

    @property
    def warnings(self) -> list[PolicyWarning]:
        """Homograph warnings for the valid entries (see :meth:`FetchPolicy.warnings`)."""
        return list(self._warnings)

    @property
    def verdicts(self) -> list[tuple[str, Verdict]]:
        """``(url, verdict)`` for each test URL, as the table shows them."""
        return list(self._verdicts)

    def tool_param(self, version: str | None = None) -> WebFetchToolParam:
        """The SDK tool definition for the current policy.

        Args:
            version: a ``web_fetch_*`` type; None uses the editor's version selector.

        Returns:
            The SDK's ``WebFetchTool<date>Param`` dict.

        Raises:
            PolicyError: the entries or options are invalid now (the message is :attr:`error`).
            ToolVersionError: unknown version, or an option the version lacks.
        """
        if self._policy is None:
            raise PolicyError(self.error)
        return self._policy.to_tool_param(version or self.version.value)

    # -- updating ---------------------------------------------------------------------------------

    def _build(self) -> tuple[FetchPolicy | None, list[str], list[str]]:
        """(policy or None, problems, the entries that are valid on their own)."""
        list_name = f"{self.list_kind.value}_domains"
        entries = split_entries(self.entries.value)
        problems: list[str] = []
        valid: list[str] = []
        for entry in entries:
            try:
                parse_domain_entry(entry, list_name)
            except PolicyError as exc:
                problems.append(str(exc))
            else:
                valid.append(entry)
        limits: dict[str, int | None] = {}
        for name, box in (("max_uses", self.max_uses), ("max_content_tokens", self.max_content_tokens)):
            try:
                limits[name] = _optional_int(box.value, name)
            except PolicyError as exc:
                problems.append(str(exc))
        if problems:
            return None, problems, valid
        domains = tuple(entries) if entries else None
        try:
            policy = replace(
                self._initial,
                allowed_domains=domains if self.list_kind.value == "allowed" else None,
                blocked_domains=domains if self.list_kind.value == "blocked" else None,
                max_uses=limits["max_uses"],
                max_content_tokens=limits["max_content_tokens"],
                citations=bool(self.citations.value),
            )
        except PolicyError as exc:
            return None, [str(exc)], valid
        return policy, [], valid

    def _refresh(self, change: Any = None) -> None:
        policy, problems, valid = self._build()
        self._policy, self._errors = policy, problems
        if policy is not None:
            self._last_valid = policy
            self._warnings = policy.warnings()
        else:
            # Audit the entries that are valid on their own, so a typo elsewhere hides no warning.
            self._warnings = FetchPolicy(allowed_domains=valid).warnings() if valid else []
        judge = policy if policy is not None else self._last_valid
        self._verdicts = [
            (url, judge.check(url)) for url in _split_urls(self.test_urls.value)[:_MAX_TEST_URLS]
        ]
        self.error_view.value = self._error_html()
        self.warning_view.value = self._warning_html()
        self.verdict_view.value = self._verdict_html(current=policy is not None)
        self.param_view.value = self._param_html()

    # -- rendering --------------------------------------------------------------------------------

    def _error_html(self) -> str:
        return str(_macros().errors(self._errors))

    def _warning_html(self) -> str:
        return str(_macros().warnings(self._warnings))

    def _verdict_html(self, *, current: bool) -> str:
        not_judged = len(_split_urls(self.test_urls.value)) - len(self._verdicts)
        return str(_macros().verdict_table(self._verdicts, current, not_judged))

    def _param_html(self) -> str:
        if self._policy is None:
            return str(_macros().param_needs_fixing())
        try:
            param = self._policy.to_tool_param(self.version.value)
        except PolicyError as exc:  # ToolVersionError: an option this version lacks
            return str(_macros().param_error(exc))
        return str(_macros().param(json.dumps(param, indent=2, ensure_ascii=False)))
