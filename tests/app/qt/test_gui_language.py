"""The inspector in Simplified Chinese: Qt's translator loads the compiled catalogue, the window and its dialogs
speak Chinese, numbers follow the locale, and View > Language keeps the reviewer's choice."""
from __future__ import annotations


import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.qt.i18n import active_language, compiled_catalog, effective_language, install_language, system_language
from app.qt.settings import InspectorSettings
from repo_paths import REPO_ROOT, ARTIFACTS



@pytest.fixture
def chinese(qapp):
    """The inspector in Chinese for one test; English and the locale it had afterwards."""
    before = QLocale()
    assert install_language(qapp, "zh_CN") == "zh_CN"
    yield
    install_language(qapp, "en")
    QLocale.setDefault(before)


@pytest.fixture
def settings(tmp_path) -> InspectorSettings:
    return InspectorSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))


def test_catalogue_compiles_and_loads(qapp):
    before = QLocale()
    catalog = compiled_catalog("zh_CN")
    assert catalog is not None and catalog.stat().st_size > 10_000
    assert install_language(qapp, "zh_CN") == "zh_CN" and active_language() == "zh_CN"
    assert QLocale().name() == "zh_CN"
    install_language(qapp, "en")
    assert active_language() == "en" and QLocale().name() == "en_US"
    QLocale.setDefault(before)


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


def test_main_window_in_chinese(qtbot, chinese, make_window, scored_batch):
    batch, _ = scored_batch(n_good=6, n_bad=3)
    window = make_window()
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["文件(&F)", "复核(&R)", "浏览(&N)", "视图(&V)", "模型(&M)", "帮助(&H)"]
    assert window.actions.review.confirm.text() == "确认异物(&C)"
    assert window.actions.review.confirm.toolTip() == "确认：存在异物 (C)"
    view = window.menuBar().actions()[3].menu()
    assert window.language_menu.menuAction() in view.actions()
    assert window.thumbnail_dock.windowTitle() == "照片"
    assert window.open_batch(batch)
    qtbot.waitUntil(lambda: window.is_settled(), timeout=30000)
    assert "待复核" in window.thumbnail_panel.counter.text()
    assert window.review_panel.decision_label.text() in ("未复核", "请先评分再判定")
    ARTIFACTS.mkdir(exist_ok=True)
    window.grab().save(str(ARTIFACTS / "window-zh_CN.png"))


def test_report_from_the_chinese_inspector_is_chinese(qtbot, chinese, make_window, scored_batch, tmp_path):
    from pypdf import PdfReader

    batch, _ = scored_batch(n_good=4, n_bad=2)
    window = make_window()
    assert window.open_batch(batch)
    job = window.write_report(tmp_path / "报告.pdf", "pdf")
    with qtbot.waitSignal(job.finished, timeout=120000):
        pass
    text = "\n".join(page.extract_text() for page in PdfReader(str(tmp_path / "报告.pdf")).pages)
    assert "异物检查报告" in text


def test_inspector_follows_the_system_language(tmp_path):
    """Started under LANG=zh_CN.UTF-8 with nothing chosen, the window is Chinese; a choice in settings wins."""
    import os
    import subprocess
    import sys

    root = REPO_ROOT
    code = ("from app.qt.launch import create_application\n"
            "app = create_application()\n"
            "from app.qt.main_window import MainWindow\n"
            "window = MainWindow(warm_up=False)\n"
            "print('|'.join(a.text() for a in window.menuBar().actions()))\n"
            "from PySide6.QtCore import QLocale\n"
            "print(QLocale().name())\n"
            "window.close()\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root), LANG="zh_CN.UTF-8",
               LC_ALL="zh_CN.UTF-8", XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    menus = result.stdout.splitlines()[0]
    assert menus.startswith("文件(&F)|复核(&R)"), result.stdout
    assert result.stdout.splitlines()[1] == "zh_CN"  # numbers and dates follow the language

    settings = tmp_path / "config" / "CSA Inspector" / "CSA Inspector.conf"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("[view]\nlanguage=en\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("&File|&Review"), result.stdout


def test_engine_warnings_in_the_chinese_inspector(qtbot, chinese, make_window, scored_batch):
    """The warning about a batch unlike the training photos is worded by the engine, in the inspector's language."""
    from core.i18n import process_language

    assert process_language() == "zh_CN"
    strange, _ = scored_batch(n_good=8, n_bad=4, threshold=0.5, name="tires")  # every photo far above it
    window = make_window()
    window.open_batch(strange)
    message = window.statusBar().currentMessage()
    assert "本批次照片与模型训练所用的照片差别很大" in message and "12 张照片中有 12 张" in message
    assert window.batches.likeness_status.toolTip() == message
    ARTIFACTS.mkdir(exist_ok=True)
    window.grab().save(str(ARTIFACTS / "window-zh_CN-unlike-training.png"))


def test_switching_back_to_english_puts_engine_messages_back(qapp):
    from core.i18n import process_language

    assert install_language(qapp, "zh_CN") == "zh_CN" and process_language() == "zh_CN"
    install_language(qapp, "en")
    assert process_language() == "en"
