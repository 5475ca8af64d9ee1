"""The inspector in Simplified Chinese: Qt's translator loads the compiled catalogue, the window and its dialogs
speak Chinese, numbers follow the locale, and View > Language keeps the reviewer's choice."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.qt.i18n import active_language, compiled_catalog, effective_language, install_language, system_language
from app.qt.settings import InspectorSettings

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture
def chinese(qapp):
    assert install_language(qapp, "zh_CN") == "zh_CN"
    yield
    install_language(qapp, "en")


@pytest.fixture
def settings(tmp_path) -> InspectorSettings:
    return InspectorSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))


def test_catalogue_compiles_and_loads(qapp):
    catalog = compiled_catalog("zh_CN")
    assert catalog is not None and catalog.stat().st_size > 10_000
    assert install_language(qapp, "zh_CN") == "zh_CN" and active_language() == "zh_CN"
    assert QLocale().name() == "zh_CN"
    install_language(qapp, "en")
    assert active_language() == "en" and QLocale().name() == "en_US"


def test_choice_beats_system_language(settings, monkeypatch):
    monkeypatch.setattr("app.qt.i18n.QLocale.system", lambda: QLocale("zh_CN"))
    assert system_language() == "zh_CN"
    assert effective_language(settings.language) == "zh_CN"  # nothing chosen: the system's
    settings.language = "en"
    assert effective_language(settings.language) == "en"


def test_export_dialog_in_chinese(qtbot, chinese, tmp_path):
    from app.qt.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog(tmp_path / "report.pdf")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "导出报告"
    assert dialog.format_combo.itemText(0) == "PDF 文档"
    assert dialog.include_flagged.text() == "为每张已标记照片附图"
    assert dialog.export_button.text() == "导出"
    ARTIFACTS.mkdir(exist_ok=True)
    dialog.grab().save(str(ARTIFACTS / "export-dialog-zh_CN.png"))


def test_language_menu_keeps_the_choice_and_offers_a_restart(qtbot, settings, monkeypatch):
    from app.qt.language_menu import add_language_menu

    window = QMainWindow()
    qtbot.addWidget(window)
    window.menuBar().addMenu("&View")
    restarts = []
    menu = add_language_menu(window.menuBar(), settings, window, restart=lambda: restarts.append(1) or True)
    view = window.menuBar().actions()[0].menu()
    assert menu.menuAction() in view.actions()  # a submenu of View
    labels = [action.text() for action in menu.actions()]
    assert labels[1:] == ["English", "简体中文"] and labels[0].startswith("System language")
    assert menu.actions()[0].isChecked()  # nothing chosen yet: the system's language

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.No)
    menu.actions()[2].trigger()
    assert settings.language == "zh_CN"
    assert restarts == []  # the reviewer said "later"

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Yes)
    menu.actions()[0].trigger()  # back to the system's (English here): the running language differs? no restart
    assert settings.language == ""
    menu.actions()[2].trigger()
    assert restarts == [1]
