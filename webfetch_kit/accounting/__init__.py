"""The accounting model: how many tokens the real API bills for a request, as recorded traffic shows it.

One model for every number the kit shows about tokens (the emulator's ``usage`` and ``count_tokens``, the
kit's estimates, every cost table). Each rule returns a :class:`TokenEstimate` (Claude tokens, central with
low–high, a quality: ``measured``, ``inferred``, ``secondary`` or ``assumption``); each parameter is a row
of ``data/accounting.csv``, ``data/tool_overheads.csv`` or ``data/models.csv`` with its source.

:mod:`.estimate` the value (``TokenEstimate``, ``Figure``) · :mod:`.figures` the parameters ·
:mod:`.models` ids, aliases, families · :mod:`.content` text, fetched pages, result blocks, PDFs, search
results, ``max_content_tokens`` · :mod:`.prompt` framing, the prompt's blocks, ``count_tokens`` ·
:mod:`.overheads` tool definitions · :mod:`.output` generated tokens · :mod:`.passes` sampling passes.

A turn with server tools, in these terms::

    pass 1      = prompt_tokens(messages, system) + tool_overhead(tools, model)
    pass k + 1  = pass k + Round(generated=calls and text of pass k, results=their result blocks)
    input_tokens (final usage)   = summed_input(sampling_passes(pass 1, rounds))
    input_tokens (message_start) = pass 1
    output_tokens                = output_tokens(generated blocks, model)
"""

from __future__ import annotations

from .content import (
    capped_document_tokens,
    cl100k,
    cl100k_cut_for,
    document_tokens,
    fetch_result_tokens,
    fetched_text_tokens,
    pdf_page_count,
    pdf_tokens,
    prompt_text_tokens,
    search_result_block_tokens,
    search_results_tokens,
)
from .estimate import (
    ACCOUNTING_NOTE,
    QUALITIES,
    Figure,
    Quality,
    TokenEstimate,
    describe_quality,
    round_half_up,
    worst_quality,
)
from .figures import FigureTable, figure, load_figures
from .models import ModelInfo, ModelTable, load_models, model_family, model_info, resolve_model
from .output import generated_block_tokens, output_tokens, server_call_tokens, text_output_tokens
from .overheads import (
    DYNAMIC_FILTERING_FROM,
    OverheadRow,
    OverheadTable,
    is_dynamic_filtering,
    load_tool_overheads,
    tool_overhead,
    web_tool_types,
)
from .passes import Round, SamplingPass, passes_frame, sampling_passes, summed_input
from .prompt import (
    SERVER_TOOL_PREFIXES,
    block_tokens,
    canonical_json,
    count_tokens_input,
    count_tokens_refusal,
    framing_tokens,
    is_server_tool,
    message_tokens,
    prompt_tokens,
)

__all__ = [
    "ACCOUNTING_NOTE",
    "DYNAMIC_FILTERING_FROM",
    "QUALITIES",
    "SERVER_TOOL_PREFIXES",
    "Figure",
    "FigureTable",
    "ModelInfo",
    "ModelTable",
    "OverheadRow",
    "OverheadTable",
    "Quality",
    "Round",
    "SamplingPass",
    "TokenEstimate",
    "block_tokens",
    "canonical_json",
    "capped_document_tokens",
    "cl100k",
    "cl100k_cut_for",
    "count_tokens_input",
    "count_tokens_refusal",
    "describe_quality",
    "document_tokens",
    "fetch_result_tokens",
    "fetched_text_tokens",
    "figure",
    "framing_tokens",
    "generated_block_tokens",
    "is_dynamic_filtering",
    "is_server_tool",
    "load_figures",
    "load_models",
    "load_tool_overheads",
    "message_tokens",
    "model_family",
    "model_info",
    "output_tokens",
    "passes_frame",
    "pdf_page_count",
    "pdf_tokens",
    "prompt_text_tokens",
    "prompt_tokens",
    "resolve_model",
    "round_half_up",
    "sampling_passes",
    "search_result_block_tokens",
    "search_results_tokens",
    "server_call_tokens",
    "summed_input",
    "text_output_tokens",
    "tool_overhead",
    "web_tool_types",
    "worst_quality",
]
