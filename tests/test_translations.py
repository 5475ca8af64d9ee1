"""The Simplified Chinese catalogue is complete, current and consistent with the glossary.

``pyside6-lupdate`` collects every text marked for translation in app/ and core/ into a copy of the committed
.ts; a text added to the code without a translation, or a translation left unfinished, fails here.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT

ROOT = REPO_ROOT
TS = ROOT / "resources" / "i18n" / "csa_inspector_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{\w*\}")


def messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "")] = message.find("translation")
    return found


def lupdate_tool() -> Path:
    import PySide6

    folder = Path(PySide6.__file__).resolve().parent
    for name in ("lupdate", "lupdate.exe"):
        if (folder / name).is_file():
            return folder / name
    pytest.fail("pyside6-lupdate is not installed with PySide6")


@pytest.fixture(scope="module")
def current(tmp_path_factory) -> dict[tuple[str, str], ET.Element]:
    """The committed catalogue brought up to date with the sources, as lupdate would do it."""
    copy = tmp_path_factory.mktemp("ts") / TS.name
    shutil.copy(TS, copy)
    subprocess.run([str(lupdate_tool()), "-silent", "-extensions", "py", "-locations", "none", "-no-obsolete",
                    str(ROOT / "app"), str(ROOT / "core"), "-ts", str(copy)], check=True, capture_output=True,
                   timeout=300)
    return messages(copy)


def test_every_marked_text_is_in_the_catalogue(current):
    committed = messages(TS)
    added = sorted(set(current) - set(committed))
    gone = sorted(set(committed) - set(current))
    assert not added, f"texts without a zh_CN entry (run `make update-translations` and translate): {added[:10]}"
    assert not gone, f"entries whose text is no longer in the code (run `make update-translations`): {gone[:10]}"


def test_every_translation_is_finished(current):
    unfinished = [key for key, translation in current.items()
                  if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished")
                  or not (translation.text or "").strip()]
    assert not unfinished, f"unfinished or empty zh_CN translations: {unfinished[:10]}"


def test_placeholders_and_accelerators_survive_translation():
    for (context, source), translation in messages(TS).items():
        text = translation.text or ""
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), (context, source, text)
        if re.search(r"&\w", source):  # a menu accelerator, e.g. "&File" -> "文件(&F)"
            assert re.search(r"&\w", text), (context, source, text)


GLOSSARY = {
    "foreign bod": "异物",
    "false alarm": "误报",
    "braking device": "制动装置",
    "heatmap": "热力图",
    "threshold": "阈值",
}


def test_glossary_terms_are_translated_the_same_everywhere():
    """A text that uses a glossary term uses its agreed translation (so the tool never says two things for one)."""
    entries = messages(TS)
    assert entries[("Glossary", "foreign body")].text == "异物"
    assert entries[("Glossary", "false alarm")].text == "误报"
    assert entries[("Glossary", "braking device")].text == "制动装置"
    assert entries[("Glossary", "EMU")].text == "动车组"
    assert entries[("Glossary", "review")].text == "复核"
    for (context, source), translation in entries.items():
        for term, chinese in GLOSSARY.items():
            if term in source.lower():
                assert chinese in (translation.text or ""), (context, source, translation.text)


def test_report_translations_are_read_without_qt():
    """core reads the same file (no Qt): a finished entry of the catalogue is what a report prints."""
    from core.i18n import read_catalog

    catalog = read_catalog("zh_CN")
    assert catalog[("Report", "Foreign-body inspection report")] == "异物检查报告"
    assert len(catalog) == len(messages(TS))
