"""The reviewer's desktop tool (PySide6 + pyqtgraph).

Layout follows the usual Qt split: ``models/`` holds item models over plain records, ``widgets/`` and
``dialogs/`` the views, ``workers.py`` everything that runs off the UI thread, ``actions.py`` the menu and
toolbar commands, and :mod:`app.qt.launch` the entry point used by ``csa-inspector gui``.
"""
