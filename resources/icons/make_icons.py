"""Draws the application icon (a brake disc with a foreign body under a scan line) at the sizes desktops use.

Run once after changing the design: ``python resources/icons/make_icons.py``; the PNGs and the Windows .ico
next to this script are what the inspector and the desktop bundle load.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZES = (16, 24, 32, 48, 64, 128, 256)
MASTER = 1024
HERE = Path(__file__).resolve().parent


def draw_master(size: int = MASTER) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    s = size / 256.0

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * s, y0 * s, x1 * s, y1 * s)

    d.rounded_rectangle(box(8, 8, 248, 248), radius=48 * s, fill=(32, 35, 39, 255), outline=(76, 155, 232, 255),
                        width=int(6 * s))
    d.ellipse(box(44, 44, 212, 212), fill=(154, 161, 170, 255))  # disc
    d.ellipse(box(72, 72, 184, 184), fill=(106, 113, 122, 255))  # friction ring edge
    d.ellipse(box(100, 100, 156, 156), fill=(32, 35, 39, 255))  # hub
    for angle_box in ((124, 56, 132, 70), (124, 186, 132, 200), (56, 124, 70, 132), (186, 124, 200, 132)):
        d.rectangle(box(*angle_box), fill=(80, 86, 94, 255))  # vents
    d.rounded_rectangle(box(150, 40, 196, 104), radius=10 * s, fill=(76, 155, 232, 255))  # caliper
    d.ellipse(box(70, 140, 104, 174), fill=(240, 136, 62, 255), outline=(255, 255, 255, 255), width=int(4 * s))
    d.line((24 * s, 157 * s, 232 * s, 157 * s), fill=(242, 204, 96, 220), width=int(5 * s))  # scan line
    return image


def main() -> None:
    master = draw_master()
    for size in SIZES:
        master.resize((size, size), Image.Resampling.LANCZOS).save(HERE / f"csa-inspector-{size}.png", optimize=True)
    master.resize((256, 256), Image.Resampling.LANCZOS).save(
        HERE / "csa-inspector.ico", sizes=[(n, n) for n in SIZES if n <= 256]
    )


if __name__ == "__main__":
    main()
