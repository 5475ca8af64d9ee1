"""Reports in the reader's language, without Qt: the inspector's own ``.ts`` files are the one catalogue.

The engine never imports Qt, yet a PDF exported from the Chinese inspector must be in Chinese. Both sides
therefore read the same ``resources/i18n/csa_inspector_<language>.ts``: the inspector through Qt's compiled
``.qm``, the reports here through a small XML reader. Report code calls :func:`translate` with a context and
an English text, which is also what ``pyside6-lupdate`` looks for, so the report strings land in the same files
as the inspector's. The language is chosen for the duration of one report with :func:`report_language`.

Messages the engine hands to a person (a warning about a batch, why a review log cannot be saved) are worded
with :func:`translate` too. Outside a report they follow the process-wide language that the inspector sets with
:func:`set_language` when it starts; the command line never sets it, so its output stays English for the
scripts that read it.
"""
from __future__ import annotations

import contextvars
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from core.resources import resource_path

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "QT_TRANSLATE_NOOP", "current_language", "normalize_language",
           "process_language", "read_catalog", "report_language", "set_language", "translate", "translation_source"]

# The languages the inspector and its reports come in; English is the source language of every text.
LANGUAGES = ("en", "zh_CN")
DEFAULT_LANGUAGE = "en"
TS_PREFIX = "csa_inspector"

# The language of the report being written; None outside a report, where the process-wide language applies.
_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("report_language", default=None)
_process_language = DEFAULT_LANGUAGE


def normalize_language(name: str | None) -> str:
    """``zh_CN``, ``zh-CN``, ``zh_CN.UTF-8`` or ``zh`` → ``zh_CN``; anything not Chinese → English."""
    text = (name or "").strip().replace("-", "_").split(".")[0].lower()
    return "zh_CN" if text.startswith("zh") else DEFAULT_LANGUAGE


def translation_source(language: str) -> Path:
    """The ``.ts`` file of a language under ``resources/i18n`` (also where the compiled ``.qm`` is built)."""
    return resource_path("i18n", f"{TS_PREFIX}_{language}.ts")


@lru_cache(maxsize=8)
def _catalog(path: Path, mtime_ns: int) -> dict[tuple[str, str], str]:
    catalog: dict[tuple[str, str], str] = {}
    root = ET.parse(path).getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            if source is None or translation is None:
                continue
            if translation.get("type") in ("unfinished", "obsolete", "vanished"):
                continue  # as Qt does: an unfinished translation is not shown
            if translation.text:
                catalog[(name, source)] = translation.text
    return catalog


def read_catalog(language: str) -> dict[tuple[str, str], str]:
    """Every finished translation of a language, keyed by (context, English text); empty for English."""
    if language == DEFAULT_LANGUAGE:
        return {}
    path = translation_source(language)
    try:
        return _catalog(path, path.stat().st_mtime_ns)
    except (OSError, ET.ParseError):
        return {}  # a missing or broken catalogue prints English rather than no report at all


def set_language(language: str | None) -> str:
    """Make ``language`` the one engine messages use outside a report (the inspector's); returns it normalized."""
    global _process_language
    _process_language = normalize_language(language)
    return _process_language


def process_language() -> str:
    """The language set with :func:`set_language`; English unless the inspector chose another."""
    return _process_language


def current_language() -> str:
    """The report's language inside :func:`report_language`, the process-wide language elsewhere."""
    chosen = _language.get()
    return chosen if chosen is not None else _process_language


@contextmanager
def report_language(language: str | None) -> Iterator[str]:
    """Everything :func:`translate` returns inside the block is in ``language`` (English when None)."""
    chosen = normalize_language(language)
    token = _language.set(chosen)
    try:
        yield chosen
    finally:
        _language.reset(token)


def translate(context: str, text: str) -> str:
    """``text`` in the current language (see :func:`current_language`); the English text when none exists."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return text
    return read_catalog(language).get((context, text), text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Marks a text for translation where it is defined (a table of labels); :func:`translate` it where shown."""
    return text


# The maintenance vocabulary every translation keeps to (context "Glossary"). A test checks that a text using
# one of these English terms uses the agreed translation too, so the inspector and the reports say the same.
GLOSSARY = (
    #: 异物 — anything on the braking device that does not belong there; the thing the tool looks for
    QT_TRANSLATE_NOOP("Glossary", "foreign body"),
    #: 误报 — a flagged photo a reviewer rejected: nothing is there
    QT_TRANSLATE_NOOP("Glossary", "false alarm"),
    #: 制动装置 — the braking equipment under an EMU car the photos show
    QT_TRANSLATE_NOOP("Glossary", "braking device"),
    #: 动车组 — electric multiple unit, the high-speed train set being maintained
    QT_TRANSLATE_NOOP("Glossary", "EMU"),
    #: 阈值 — a score line; "pass threshold" 放行阈值, "alarm threshold" 报警阈值
    QT_TRANSLATE_NOOP("Glossary", "threshold"),
    #: 热力图 — the per-pixel anomaly map drawn over a photo
    QT_TRANSLATE_NOOP("Glossary", "heatmap"),
    #: 复核 — a person looking at a flagged photo and deciding; the reviewer is 复核员
    QT_TRANSLATE_NOOP("Glossary", "review"),
    #: 复核员 — the person who records decisions
    QT_TRANSLATE_NOOP("Glossary", "reviewer"),
    #: 批次 — one folder of photos inspected together
    QT_TRANSLATE_NOOP("Glossary", "batch"),
    #: 异常分数 — the model's score of a photo; higher is more likely a foreign body
    QT_TRANSLATE_NOOP("Glossary", "anomaly score"),
    #: 检出率 — share of confirmed foreign bodies that scored at or above the pass threshold
    QT_TRANSLATE_NOOP("Glossary", "catch rate"),
)
