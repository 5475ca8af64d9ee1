"""Synthetic photos of a brake unit, with and without foreign bodies, for demos, tests and benchmarks.

Real inspection photos of braking devices can't ship with the product, yet every part of it (training,
calibration, the inspector, the reports) needs images whose ground truth is known. The scenes here imitate what
makes the real task hard: a busy metallic background (brushed plate, a drilled brake disc, bolts and rivets,
hoses, a calliper), parts that legitimately move between photos (a brake lever and a push rod), and lighting that
changes from photo to photo. A foreign body is a small object that does not belong on the device (a piece of
wire, a loose nut or bolt, a leaf, a rag, a stone); it is lit and shadowed like everything else, so it is not a
trivially saturated blob, and its mask marks exactly its pixels.

Rendering works on maps rather than on final colours: albedo, height, specular strength and glossiness are
painted with anti-aliased signed-distance shapes, then shaded once with a directional light (Lambert plus
Blinn-Phong, height-map shadows, ambient occlusion), so a change of light direction changes every shadow and
highlight consistently. Geometry is in fractions of the image side, so any ``size`` shows the same scene.

The device itself (layout and its textures) depends only on ``SceneConfig.layout_seed`` and is cached; each
photo draws its lever angle, rod offset, hose sag, lighting, camera jitter and sensor noise from the generator
passed in. The foreign body gets its own child seed, drawn whether or not a body is rendered, so the same seed
with and without ``foreign_body`` gives the same scene, differing only where the body lies.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

import cv2
import numpy as np
from PIL import Image

FOREIGN_BODY_KINDS: tuple[str, ...] = ("wire", "loose_nut", "loose_bolt", "leaf", "rag", "stone")
NUISANCES: tuple[Optional[str], ...] = (None, "lighting", "part_position")
DEFECT_TYPE = "foreign_body"

_GAMMA = 2.2


@dataclass(frozen=True)
class SceneConfig:
    """How photos of the brake unit vary.

    Angles are in degrees. The light azimuth is the direction the light comes from in image coordinates
    (0 = from the right, 90 = from below, 225 = from the top left). Offsets and sizes are fractions of the image
    side. ``seed`` drives the per-photo variation in :func:`generate_dataset` and :func:`generate_batch`;
    ``layout_seed`` picks the surface textures and wear of the unit (another unit of the same type).
    ``nuisance`` renders normal (defect-free) variation that never occurs in the default ranges:

    * ``"lighting"``: a lamp from the opposite side, low and strong, with a heavy colour cast;
    * ``"part_position"``: lever and push rod outside their normal travel.

    Such photos are what a detector trained on the default ranges flags falsely; they exist to exercise the
    reviewer's "not a defect" loop.
    """

    size: int = 256
    seed: int = 0
    layout_seed: int = 0
    light_azimuth_range: tuple[float, float] = (205.0, 245.0)
    light_elevation_range: tuple[float, float] = (42.0, 58.0)
    gain_range: tuple[float, float] = (0.88, 1.12)
    colour_cast: float = 0.03
    illumination_gradient_range: tuple[float, float] = (0.05, 0.25)
    noise_sigma_range: tuple[float, float] = (0.004, 0.012)
    lever_angle_range: tuple[float, float] = (-9.0, 9.0)
    rod_offset_range: tuple[float, float] = (-0.025, 0.025)
    camera_shift: float = 0.008
    camera_rotation: float = 1.0
    foreign_area_range: tuple[float, float] = (0.012, 0.035)
    foreign_kinds: tuple[str, ...] = FOREIGN_BODY_KINDS
    nuisance: Optional[str] = None

    def __post_init__(self) -> None:
        if self.size < 32:
            raise ValueError(f"size must be at least 32 pixels, got {self.size}")
        if self.nuisance not in NUISANCES:
            raise ValueError(f"nuisance must be one of {NUISANCES}, got {self.nuisance!r}")
        unknown = [k for k in self.foreign_kinds if k not in FOREIGN_BODY_KINDS]
        if unknown or not self.foreign_kinds:
            raise ValueError(f"foreign_kinds must be a non-empty subset of {FOREIGN_BODY_KINDS}, got {self.foreign_kinds}")
        low, high = self.foreign_area_range
        if not 0.0 < low <= high < 0.2:
            raise ValueError(f"foreign_area_range must satisfy 0 < low <= high < 0.2, got {self.foreign_area_range}")


@dataclass(frozen=True)
class RenderedScene:
    """One photo, its foreign-body mask, and the values it was drawn with (useful for checks and captions)."""

    image: np.ndarray  # uint8 RGB, size x size x 3
    mask: np.ndarray  # uint8, 0 or 255, size x size
    foreign_kind: Optional[str]
    lever_angle: float  # degrees from the rest position
    rod_offset: float
    light_azimuth: float
    light_elevation: float
    light_colour: tuple[float, float, float]
    gain: float


# ==============================================================================================================
# Public API
# ==============================================================================================================


def render_scene(rng: np.random.Generator, config: SceneConfig, foreign_body: bool) -> tuple[np.ndarray, np.ndarray]:
    """One photo as ``(image uint8 RGB, mask uint8 0/255)``; the mask is all zero without a foreign body."""
    scene = compose_scene(rng, config, foreign_body)
    return scene.image, scene.mask


def compose_scene(rng: np.random.Generator, config: SceneConfig, foreign_body: bool) -> RenderedScene:
    """Like :func:`render_scene`, also reporting the drawn part positions, lighting and foreign-body kind."""
    size = config.size
    body_seed = int(rng.integers(0, 2**63 - 1))  # drawn always, so good and bad renders of a seed match
    canvas = _static_device(size, config.layout_seed).copy()

    lever_angle, rod_offset = _draw_part_positions(rng, config)
    _paint_push_rod(canvas, rod_offset)
    _paint_hoses(canvas, rng)
    _paint_lever(canvas, lever_angle)
    _vary_grime(canvas, rng)

    kind: Optional[str] = None
    body_alpha = np.zeros((size, size), np.float32)
    if foreign_body:
        kind, body_alpha = _paint_foreign_body(canvas, np.random.default_rng(body_seed), config)

    light = _draw_light(rng, config)
    linear = _shade(canvas, light)
    linear, body_alpha = _camera(linear, body_alpha, rng, config)
    image = _sensor(linear, rng, config)
    mask = np.where(body_alpha > 0.5, 255, 0).astype(np.uint8)
    return RenderedScene(
        image=image,
        mask=mask,
        foreign_kind=kind,
        lever_angle=lever_angle,
        rod_offset=rod_offset,
        light_azimuth=light.azimuth,
        light_elevation=light.elevation,
        light_colour=tuple(float(c) for c in light.colour),
        gain=light.gain,
    )


def generate_dataset(
    root: str | Path,
    n_train: int = 40,
    n_test_good: int = 12,
    n_test_bad: int = 12,
    config: SceneConfig = SceneConfig(),
    category: str = "brake_unit",
) -> Path:
    """Write an MVTec AD category under ``root/category`` and return that folder.

    ``train/good/000.png ...``, ``test/good``, ``test/foreign_body`` and ``ground_truth/foreign_body/NNN_mask.png``.
    Every image has its own seed derived from ``(config.seed, split, index)``, so changing one count doesn't change
    the other splits, and the same arguments give byte-identical files. Earlier generated files in these folders
    are removed first so a smaller rerun leaves no stale images.
    """
    category_dir = Path(root) / category
    splits = (
        ("train", category_dir / "train" / "good", n_train, False),
        ("test_good", category_dir / "test" / "good", n_test_good, False),
        ("test_bad", category_dir / "test" / DEFECT_TYPE, n_test_bad, True),
    )
    mask_dir = category_dir / "ground_truth" / DEFECT_TYPE
    for folder in [s[1] for s in splits] + [mask_dir]:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_generated_files(folder)
    for split_id, (_, folder, count, bad) in enumerate(splits):
        width = max(3, len(str(max(count - 1, 0))))
        for index in range(count):
            rng = np.random.default_rng([config.seed, split_id, index])
            image, mask = render_scene(rng, config, foreign_body=bad)
            name = f"{index:0{width}d}"
            _write_png(folder / f"{name}.png", image)
            if bad:
                _write_png(mask_dir / f"{name}_mask.png", mask)
    return category_dir


def generate_batch(
    folder: str | Path,
    n_good: int,
    n_bad: int,
    config: SceneConfig = SceneConfig(),
    labels_csv: Optional[str] = "labels.csv",
) -> Path:
    """Write a plain folder of photos (``img_0001.png`` ...), good and bad shuffled, as a scoring demo would see.

    With ``labels_csv`` (a file name inside ``folder``) a CSV with columns ``file,label,foreign_kind`` is written
    as well (label 1 = foreign body). Seeds don't overlap with :func:`generate_dataset`'s for the same
    ``config.seed``, so a batch never repeats a training photo. Earlier ``img_*.png`` files are replaced.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    _remove_generated_files(out, _BATCH_NAME)
    total = n_good + n_bad
    labels = np.array([0] * n_good + [1] * n_bad)
    np.random.default_rng([config.seed, 3]).shuffle(labels)
    width = max(4, len(str(total)))
    rows = []
    for index, label in enumerate(labels):
        rng = np.random.default_rng([config.seed, 3, index])
        scene = compose_scene(rng, config, foreign_body=bool(label))
        name = f"img_{index + 1:0{width}d}.png"
        _write_png(out / name, scene.image)
        rows.append((name, int(label), scene.foreign_kind or ""))
    if labels_csv:
        with open(out / labels_csv, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["file", "label", "foreign_kind"])
            writer.writerows(rows)
    return out


def _write_png(path: Path, array: np.ndarray) -> None:
    # Pillow writes no timestamps, so the bytes depend only on the pixels; it also handles non-ASCII paths.
    Image.fromarray(array).save(path, format="PNG", compress_level=3)


_DATASET_NAME = re.compile(r"^\d+(_mask)?\.png$")
_BATCH_NAME = re.compile(r"^img_\d+\.png$")


def _remove_generated_files(folder: Path, pattern: re.Pattern = _DATASET_NAME) -> None:
    """Delete only files named the way this module names them, never anything else in the folder."""
    for path in folder.iterdir():
        if path.is_file() and pattern.match(path.name):
            path.unlink()


# ==============================================================================================================
# Maps and shapes
# ==============================================================================================================


class _Canvas:
    """Material maps of the scene: linear albedo, height (in image-side fractions), specular strength, gloss."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.albedo = np.zeros((size, size, 3), np.float32)
        self.height = np.zeros((size, size), np.float32)
        self.spec = np.zeros((size, size), np.float32)
        self.gloss = np.full((size, size), 8.0, np.float32)

    def copy(self) -> "_Canvas":
        other = _Canvas.__new__(_Canvas)
        other.size = self.size
        other.albedo = self.albedo.copy()
        other.height = self.height.copy()
        other.spec = self.spec.copy()
        other.gloss = self.gloss.copy()
        return other

    def window(self, cx: float, cy: float, half_w: float, half_h: Optional[float] = None) -> Optional["_Window"]:
        half_h = half_w if half_h is None else half_h
        s = self.size
        x0 = max(0, int(math.floor((cx - half_w) * s)) - 1)
        x1 = min(s, int(math.ceil((cx + half_w) * s)) + 1)
        y0 = max(0, int(math.floor((cy - half_h) * s)) - 1)
        y1 = min(s, int(math.ceil((cy + half_h) * s)) + 1)
        if x1 <= x0 or y1 <= y0:
            return None
        xs = (np.arange(x0, x1, dtype=np.float32) + 0.5) / s
        ys = (np.arange(y0, y1, dtype=np.float32) + 0.5) / s
        X, Y = np.meshgrid(xs, ys)
        return _Window(slice(y0, y1), slice(x0, x1), X, Y)

    def full(self) -> "_Window":
        X, Y = _grid(self.size)
        return _Window(slice(0, self.size), slice(0, self.size), X, Y)

    def coverage(self, sdf: np.ndarray) -> np.ndarray:
        """Anti-aliased coverage of a shape from its signed distance (in image fractions, negative inside)."""
        return np.clip(0.5 - sdf * self.size, 0.0, 1.0).astype(np.float32)

    def paint(
        self,
        win: "_Window",
        alpha: np.ndarray,
        albedo,
        height,
        spec,
        gloss,
        mode: str = "level",
    ) -> None:
        """Lay a material over what is there.

        ``level``: ``height`` is absolute. ``drape``: ``height`` is added to the surface beneath (cloth, leaves,
        wires follow the surface). ``rest``: a rigid object sits on the highest point under its footprint.
        """
        a = alpha[..., None]
        region = self.albedo[win.ys, win.xs]
        region *= 1.0 - a
        region += a * np.asarray(albedo, np.float32)
        under = self.height[win.ys, win.xs]
        if mode == "drape":
            # Cloth and leaves bridge holes and soften steps instead of following every dip of the metal.
            k = max(3, int(0.03 * self.size) | 1)
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
            bridged = cv2.morphologyEx(np.ascontiguousarray(under), cv2.MORPH_CLOSE, kernel)
            top = cv2.GaussianBlur(bridged, (0, 0), 0.006 * self.size) + height
        elif mode == "rest":
            footprint = alpha > 0.5
            base = float(np.percentile(under[footprint], 90)) if footprint.any() else 0.0
            top = base + height
        else:
            top = height
        self.height[win.ys, win.xs] = under * (1.0 - alpha) + top * alpha
        for target, value in ((self.spec, spec), (self.gloss, gloss)):
            view = target[win.ys, win.xs]
            target[win.ys, win.xs] = view * (1.0 - alpha) + np.asarray(value, np.float32) * alpha


@lru_cache(maxsize=8)
def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates of the whole image, in fractions of its side (shared, read-only)."""
    axis = (np.arange(size, dtype=np.float32) + 0.5) / size
    X, Y = np.meshgrid(axis, axis)
    X.setflags(write=False)
    Y.setflags(write=False)
    return X, Y


@dataclass
class _Window:
    ys: slice
    xs: slice
    X: np.ndarray
    Y: np.ndarray


def _srgb(rgb) -> np.ndarray:
    """Colours are written as sRGB-ish 0..1 triples; shading happens in linear light."""
    values = np.asarray(rgb, np.float32)
    if values.ndim < 2:
        return np.power(values, _GAMMA)
    return cv2.pow(np.ascontiguousarray(values), _GAMMA)


def _sd_circle(X, Y, cx, cy, r):
    return np.hypot(X - cx, Y - cy) - r


def _rotate(X, Y, cx, cy, angle):
    c, s = math.cos(angle), math.sin(angle)
    dx, dy = X - cx, Y - cy
    return c * dx + s * dy, -s * dx + c * dy


def _sd_box(X, Y, cx, cy, half_w, half_h, angle=0.0, corner=0.0):
    u, v = _rotate(X, Y, cx, cy, angle)
    qx = np.abs(u) - (half_w - corner)
    qy = np.abs(v) - (half_h - corner)
    outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
    return outside + np.minimum(np.maximum(qx, qy), 0) - corner


def _sd_hexagon(X, Y, cx, cy, inradius, angle=0.0):
    u, v = _rotate(X, Y, cx, cy, angle)
    kx, ky, kz = -0.866025404, 0.5, 0.577350269
    px, py = np.abs(u), np.abs(v)
    d = np.minimum(kx * px + ky * py, 0.0)
    px, py = px - 2 * d * kx, py - 2 * d * ky
    px = px - np.clip(px, -kz * inradius, kz * inradius)
    py = py - inradius
    return np.hypot(px, py) * np.sign(py)


def _polyline_distance(X, Y, points: np.ndarray, size: Optional[int] = None, reach: Optional[float] = None):
    """Distance to a polyline, the arc length at the nearest point, and the side (+1/-1) of the line.

    With ``size`` and ``reach`` only pixels within about ``reach`` of the line are measured (a long hose crosses
    a large window but covers few of its pixels); the others get a distance of 1 (far outside any shape).
    """
    if size is not None and reach is not None:
        near = np.zeros(X.shape, np.uint8)
        pix = np.round((points - np.array([X[0, 0], Y[0, 0]], np.float32)) * size * 4).astype(np.int32)
        thickness = int(math.ceil(2 * reach * size)) + 3
        cv2.polylines(near, [pix.reshape(-1, 1, 2)], False, 1, thickness=thickness, lineType=cv2.LINE_8, shift=2)
        rows, cols = np.nonzero(near)
        dist = np.ones(X.shape, np.float32)
        along = np.zeros(X.shape, np.float32)
        side = np.ones(X.shape, np.float32)
        if rows.size:
            d, a, sd = _polyline_distance(X[rows, cols][None], Y[rows, cols][None], points)
            dist[rows, cols], along[rows, cols], side[rows, cols] = d[0], a[0], sd[0]
        return dist, along, side
    a = points[:-1].astype(np.float32)
    ab = points[1:].astype(np.float32) - a
    seg_len = np.hypot(ab[:, 0], ab[:, 1]) + np.float32(1e-9)
    starts = np.concatenate([[0.0], np.cumsum(seg_len)[:-1]]).astype(np.float32)
    abx, aby = ab[:, 0, None, None], ab[:, 1, None, None]
    px = X[None] - a[:, 0, None, None]
    py = Y[None] - a[:, 1, None, None]
    t = np.clip((px * abx + py * aby) * (1.0 / seg_len**2)[:, None, None], 0.0, 1.0)
    dx = px - t * abx
    dy = py - t * aby
    nearest = np.argmin(dx * dx + dy * dy, axis=0)
    # Everything else only for the nearest segment of each pixel.
    pick = lambda arr: np.take_along_axis(arr, nearest[None], axis=0)[0]  # noqa: E731
    tn, pxn, pyn = pick(t), pick(px), pick(py)
    sx, sy = ab[nearest, 0], ab[nearest, 1]
    d = np.hypot(pxn - tn * sx, pyn - tn * sy)
    along = starts[nearest] + tn * seg_len[nearest]
    cross = sx * pyn - sy * pxn
    return d, along, np.where(cross >= 0, 1.0, -1.0).astype(np.float32)


def _bezier(control: np.ndarray, n: int = 40) -> np.ndarray:
    """About ``n`` points on a Catmull-Rom spline through ``control`` (smooth hoses and wires)."""
    pts = np.vstack([control[0], control, control[-1]]).astype(np.float32)
    per_span = max(2, n // (len(control) - 1))
    t = np.linspace(0, 1, per_span, endpoint=False, dtype=np.float32)[None, :, None]
    p0, p1, p2, p3 = (pts[k: k + len(control) - 1][:, None, :] for k in range(4))
    curve = 0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3)
    return np.vstack([curve.reshape(-1, 2), control[-1:]]).astype(np.float32)


def _tube(d, radius):
    """Half-cylinder cross-section of a hose or wire of ``radius`` at distance ``d`` from its axis."""
    return np.sqrt(np.maximum(radius * radius - d * d, 0.0)).astype(np.float32)


def _bevel(sdf, width):
    """Height ramp (0..1) from a shape's edge inwards, so edges catch the light."""
    x = np.clip(-sdf / width, 0.0, 1.0)
    return (x * x * (3 - 2 * x)).astype(np.float32)


class _Noise:
    """A smooth random field sampled at any coordinates, so textures don't depend on the output size."""

    def __init__(self, rng: np.random.Generator, cells: int, extent: float = 1.0, origin=(0.0, 0.0), res: int = 256):
        grid = rng.standard_normal((cells + 3, cells + 3)).astype(np.float32)
        self.field = cv2.resize(grid, (res, res), interpolation=cv2.INTER_CUBIC)
        self.field /= float(self.field.std()) + 1e-6
        self.scale = (res - 1) / extent
        self.origin = origin

    def __call__(self, X, Y) -> np.ndarray:
        mx = ((X - self.origin[0]) * self.scale).astype(np.float32)
        my = ((Y - self.origin[1]) * self.scale).astype(np.float32)
        return cv2.remap(self.field, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)


def _fine_noise(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.standard_normal((size, size), dtype=np.float32)


# ==============================================================================================================
# The device (fixed per layout seed)
# ==============================================================================================================

_DISC_CENTRE = (0.58, 0.44)
_DISC_RADIUS = 0.30
_HUB_RADIUS = 0.115
_CYLINDER = (0.16, 0.20, 0.12, 0.072)  # centre x, y, half width, half height
_ROD_START = 0.28
_ROD_REST_END = 0.36
_ROD_Y = 0.20
_LEVER_PIVOT = (0.24, 0.66)
_LEVER_REST_ANGLE = -28.0
_LEVER_LENGTH = 0.30


@lru_cache(maxsize=8)
def _static_device(size: int, layout_seed: int) -> _Canvas:
    """Everything that doesn't move: plate, frame, beam, disc, calliper, cylinder, bolts, rivets, grime."""
    rng = np.random.default_rng([layout_seed, 7919])
    c = _Canvas(size)
    full = c.full()
    X, Y = full.X, full.Y
    s = size / 256.0

    # Brushed steel mounting plate.
    brushed = cv2.GaussianBlur(_fine_noise(rng, size), (0, 0), sigmaX=9 * s, sigmaY=0.4 * s)
    brushed /= brushed.std() + 1e-6
    blotch = _Noise(rng, 6)(X, Y)
    plate = np.array([0.50, 0.52, 0.55], np.float32)
    c.albedo[:] = _srgb(np.clip(plate[None, None] * (1 + 0.07 * brushed[..., None] + 0.04 * blotch[..., None]), 0, 1))
    c.height[:] = 0.0008 * brushed
    c.spec[:] = 0.28
    c.gloss[:] = 18.0

    # Painted frame on the left and a beam along the bottom.
    paint_noise = _Noise(rng, 24)(X, Y)
    frame_sdf = X - 0.14
    a = c.coverage(frame_sdf)
    c.paint(full, a, _srgb(np.clip(np.array([0.30, 0.33, 0.29])[None, None] * (1 + 0.05 * paint_noise[..., None]), 0, 1)),
            0.014 * _bevel(frame_sdf, 0.012) + 0.0006 * paint_noise, 0.06, 8.0)
    beam_sdf = 0.87 - Y
    a = c.coverage(beam_sdf)
    c.paint(full, a, _srgb(np.clip(np.array([0.17, 0.17, 0.18])[None, None] * (1 + 0.06 * paint_noise[..., None]), 0, 1)),
            0.018 * _bevel(beam_sdf, 0.014) + 0.0006 * paint_noise, 0.12, 12.0)
    for y in np.arange(0.09, 0.83, 0.125):
        _rivet(c, 0.07, float(y), 0.013)
    for x in np.arange(0.22, 0.99, 0.115):
        _rivet(c, float(x), 0.935, 0.013)

    _paint_disc(c, rng)
    _paint_cylinder(c, rng)
    _paint_calliper(c, rng)

    # Pivot bracket for the lever (the lever itself moves and is painted per photo).
    px, py = _LEVER_PIVOT
    w = c.window(px, py, 0.07)
    sdf = _sd_box(w.X, w.Y, px, py, 0.06, 0.055, 0.0, 0.015)
    c.paint(w, c.coverage(sdf), _srgb([0.36, 0.37, 0.38]), 0.012 + 0.006 * _bevel(sdf, 0.006), 0.25, 16.0)
    for dx, dy in ((-0.04, -0.035), (0.04, 0.035)):
        _rivet(c, px + dx, py + dy, 0.01)

    # Brake dust: dark, brownish, heavier near the bottom and around the disc edge.
    dust = _Noise(rng, 5)(X, Y)
    speck = cv2.GaussianBlur(_fine_noise(rng, size), (0, 0), 1.2 * s)
    speck /= speck.std() + 1e-6
    r_disc = np.hypot(X - _DISC_CENTRE[0], Y - _DISC_CENTRE[1])
    weight = 0.25 + 0.5 * np.clip((Y - 0.55) / 0.4, 0, 1) + 0.3 * np.exp(-(((r_disc - _DISC_RADIUS) / 0.05) ** 2))
    amount = np.clip(0.5 + 0.35 * dust + 0.12 * speck, 0, 1) * weight
    grime = np.array([0.55, 0.45, 0.38], np.float32)
    c.albedo *= (1.0 - 0.55 * amount[..., None]) + 0.55 * amount[..., None] * grime[None, None] * 0.6
    c.spec *= 1.0 - 0.6 * np.clip(amount, 0, 1)
    for array in (c.albedo, c.height, c.spec, c.gloss):
        array.setflags(write=False)
    return c


def _rivet(c: _Canvas, cx: float, cy: float, r: float) -> None:
    w = c.window(cx, cy, r + 0.004)
    if w is None:
        return
    sdf = _sd_circle(w.X, w.Y, cx, cy, r)
    base = float(c.height[w.ys, w.xs].max())
    c.paint(w, c.coverage(sdf), _srgb([0.55, 0.56, 0.57]), base + 0.7 * _tube(r + sdf, r), 0.45, 30.0)


def _hex_bolt(c: _Canvas, cx: float, cy: float, r: float, angle: float, colour=(0.58, 0.58, 0.6)) -> None:
    w = c.window(cx, cy, r * 1.6)
    if w is None:
        return
    base = float(np.percentile(c.height[w.ys, w.xs], 90))
    washer = _sd_circle(w.X, w.Y, cx, cy, r * 1.45)
    c.paint(w, c.coverage(washer), _srgb([0.5, 0.5, 0.52]), base + 0.003 + 0.002 * _bevel(washer, 0.004), 0.4, 25.0)
    head = _sd_hexagon(w.X, w.Y, cx, cy, r, angle)
    top = base + 0.004 + r * 0.55 * _bevel(head, r * 0.35)
    c.paint(w, c.coverage(head), _srgb(colour), top, 0.55, 35.0)


def _paint_disc(c: _Canvas, rng: np.random.Generator) -> None:
    cx, cy = _DISC_CENTRE
    R = _DISC_RADIUS
    w = c.window(cx, cy, R + 0.01)
    X, Y = w.X, w.Y
    r = np.hypot(X - cx, Y - cy)
    outer = r - R
    # Machined surface: concentric turning marks (1-D noise over the radius), a darker friction band.
    grooves = np.interp(r, np.linspace(0, R, 600), rng.standard_normal(600)).astype(np.float32)
    grooves = cv2.GaussianBlur(grooves, (0, 0), 0.6)
    band = np.exp(-(((r - 0.235) / 0.05) ** 4)).astype(np.float32)
    tone = np.array([0.66, 0.66, 0.67], np.float32)[None, None] * (1 + 0.06 * grooves[..., None])
    heat = np.array([0.86, 0.88, 0.98], np.float32)  # faint blue heat tint on the friction band
    tone = tone * (1 - 0.25 * band[..., None]) + tone * heat[None, None] * 0.25 * band[..., None]
    rim = np.exp(-(((r - R + 0.008) / 0.008) ** 2))[..., None]
    tone = tone * (1 - 0.5 * rim) + np.array([0.45, 0.34, 0.27], np.float32) * 0.5 * rim
    height = 0.022 * _bevel(outer, 0.006) + 0.0006 * grooves
    c.paint(w, c.coverage(outer), _srgb(np.clip(tone, 0, 1)), height, 0.55 + 0.15 * band, 45.0)

    # Cross-drilled holes in three staggered rings.
    for ring, (radius, count) in enumerate(((0.175, 10), (0.215, 12), (0.255, 14))):
        for k in range(count):
            ang = 2 * math.pi * (k + 0.5 * (ring % 2)) / count + 0.1 * ring
            hx, hy = cx + radius * math.cos(ang), cy + radius * math.sin(ang)
            hw = c.window(hx, hy, 0.016)
            sdf = _sd_circle(hw.X, hw.Y, hx, hy, 0.0105)
            c.paint(hw, c.coverage(sdf), _srgb([0.05, 0.05, 0.05]), 0.022 - 0.02 * _bevel(sdf, 0.004), 0.05, 6.0)

    # Hub: cast iron, raised, with a ring of bolts and a domed centre cap.
    hub = _sd_circle(X, Y, cx, cy, _HUB_RADIUS)
    cast = _Noise(rng, 30)(X, Y)
    c.paint(w, c.coverage(hub), _srgb(np.clip(np.array([0.38, 0.38, 0.39])[None, None] * (1 + 0.08 * cast[..., None]), 0, 1)),
            0.022 + 0.012 * _bevel(hub, 0.01) + 0.0008 * cast, 0.15, 10.0)
    for k in range(6):
        ang = 2 * math.pi * k / 6 + 0.3
        _hex_bolt(c, cx + 0.078 * math.cos(ang), cy + 0.078 * math.sin(ang), 0.016, ang)
    cap = _sd_circle(X, Y, cx, cy, 0.038)
    c.paint(w, c.coverage(cap), _srgb([0.62, 0.63, 0.64]), 0.034 + 0.6 * _tube(0.038 + cap, 0.038), 0.7, 50.0)


def _paint_cylinder(c: _Canvas, rng: np.random.Generator) -> None:
    cx, cy, hw, hh = _CYLINDER
    w = c.window(cx, cy, hw + 0.04, hh + 0.04)
    X, Y = w.X, w.Y
    flange = _sd_box(X, Y, cx, cy, hw + 0.025, hh + 0.025, 0.0, 0.012)
    c.paint(w, c.coverage(flange), _srgb([0.33, 0.34, 0.35]), 0.008 + 0.004 * _bevel(flange, 0.005), 0.2, 14.0)
    for dx in (-1, 1):
        for dy in (-1, 1):
            _hex_bolt(c, cx + dx * (hw + 0.008), cy + dy * (hh + 0.008), 0.012, 0.2)
    body = _sd_box(X, Y, cx, cy, hw, hh, 0.0, 0.02)
    across = np.clip(np.abs(Y - cy) / hh, 0, 1)
    roundness = np.sqrt(np.maximum(1 - across ** 2, 0))
    paint = _Noise(rng, 20)(X, Y)
    colour = np.clip(np.array([0.19, 0.19, 0.2])[None, None] * (1 + 0.06 * paint[..., None]), 0, 1)
    c.paint(w, c.coverage(body), _srgb(colour), 0.03 + 0.035 * roundness * _bevel(body, 0.01), 0.35, 22.0)
    # Rating plate with embossed lines of text.
    px, py = cx - 0.035, cy
    pw = c.window(px, py, 0.055, 0.035)
    plate = _sd_box(pw.X, pw.Y, px, py, 0.05, 0.03, 0.0, 0.004)
    lines = np.zeros_like(plate)
    for k, ly in enumerate((-0.014, -0.002, 0.01)):
        length = 0.038 - 0.008 * k
        lines = np.maximum(lines, c.coverage(_sd_box(pw.X, pw.Y, px - 0.04 + length, py + ly, length, 0.0028)))
    glyphs = (np.sin(pw.X * 700.0) > -0.3).astype(np.float32) * lines
    base = float(c.height[pw.ys, pw.xs].max())
    colour = np.array([0.78, 0.78, 0.74], np.float32)[None, None] * (1 - 0.55 * glyphs[..., None])
    c.paint(pw, c.coverage(plate), _srgb(colour), base + 0.002 + 0.0015 * glyphs, 0.5, 30.0)


def _paint_calliper(c: _Canvas, rng: np.random.Generator) -> None:
    cx, cy, hw, hh = 0.86, 0.44, 0.065, 0.16
    w = c.window(cx, cy, hw + 0.01, hh + 0.01)
    sdf = _sd_box(w.X, w.Y, cx, cy, hw, hh, 0.0, 0.03)
    paint = _Noise(rng, 16)(w.X, w.Y)
    colour = np.clip(np.array([0.24, 0.27, 0.31])[None, None] * (1 + 0.07 * paint[..., None]), 0, 1)
    c.paint(w, c.coverage(sdf), _srgb(colour), 0.045 + 0.025 * _bevel(sdf, 0.02), 0.25, 16.0)
    slot = _sd_box(w.X, w.Y, cx - 0.005, cy, 0.012, hh - 0.045, 0.0, 0.008)
    c.paint(w, c.coverage(slot), _srgb([0.08, 0.08, 0.09]), 0.05 - 0.02 * _bevel(slot, 0.006), 0.05, 6.0, mode="level")
    for dy in (-0.115, 0.115):
        _hex_bolt(c, cx, cy + dy, 0.018, 0.4)


# ==============================================================================================================
# Parts that move, hoses, grime variation
# ==============================================================================================================


def _draw_part_positions(rng: np.random.Generator, config: SceneConfig) -> tuple[float, float]:
    lo, hi = config.lever_angle_range
    rod_lo, rod_hi = config.rod_offset_range
    if config.nuisance == "part_position":
        span, rod_span = hi - lo, rod_hi - rod_lo
        side = 1.0 if rng.random() < 0.5 else -1.0
        angle = (hi if side > 0 else lo) + side * rng.uniform(0.9, 1.6) * span
        rod_side = 1.0 if rng.random() < 0.5 else -1.0
        rod = (rod_hi if rod_side > 0 else rod_lo) + rod_side * rng.uniform(0.6, 1.0) * rod_span
        return float(angle), float(rod)
    return float(rng.uniform(lo, hi)), float(rng.uniform(rod_lo, rod_hi))


def _paint_push_rod(c: _Canvas, offset: float) -> None:
    x0, x1, y = _ROD_START, _ROD_REST_END + offset, _ROD_Y
    radius = 0.016
    w = c.window((x0 + x1) / 2 + 0.02, y, (x1 - x0) / 2 + 0.05, 0.04)
    d = np.where(w.X < x0, np.hypot(w.X - x0, w.Y - y), np.where(w.X > x1, np.hypot(w.X - x1, w.Y - y), np.abs(w.Y - y)))
    sdf = d - radius
    c.paint(w, c.coverage(sdf), _srgb([0.82, 0.83, 0.85]), 0.05 + 0.9 * _tube(d, radius), 0.95, 70.0)
    # Clevis at the rod end with its pin.
    clevis = _sd_box(w.X, w.Y, x1 + 0.018, y, 0.024, 0.026, 0.0, 0.008)
    c.paint(w, c.coverage(clevis), _srgb([0.4, 0.4, 0.42]), 0.055 + 0.012 * _bevel(clevis, 0.006), 0.4, 25.0)
    pin = _sd_circle(w.X, w.Y, x1 + 0.022, y, 0.009)
    c.paint(w, c.coverage(pin), _srgb([0.6, 0.6, 0.62]), 0.07 + 0.6 * _tube(0.009 + pin, 0.009), 0.6, 40.0)


def _lever_end(angle_deg: float) -> tuple[float, float]:
    a = math.radians(_LEVER_REST_ANGLE + angle_deg)
    return _LEVER_PIVOT[0] + _LEVER_LENGTH * math.cos(a), _LEVER_PIVOT[1] + _LEVER_LENGTH * math.sin(a)


@lru_cache(maxsize=1)
def _lever_wear() -> _Noise:
    return _Noise(np.random.default_rng(11), 12)


def _paint_lever(c: _Canvas, angle_deg: float) -> None:
    px, py = _LEVER_PIVOT
    ex, ey = _lever_end(angle_deg)
    w = c.window((px + ex) / 2, (py + ey) / 2, abs(ex - px) / 2 + 0.06, abs(ey - py) / 2 + 0.06)
    X, Y = w.X, w.Y
    d, along, _ = _polyline_distance(X, Y, np.array([[px, py], [ex, ey]], np.float32))
    t = np.clip(along / _LEVER_LENGTH, 0, 1)
    half_width = 0.036 - 0.01 * t  # tapers towards the free end
    sdf = d - half_width
    wear = _lever_wear()(X, Y)
    colour = np.clip(np.array([0.42, 0.21, 0.17])[None, None] * (1 + 0.08 * wear[..., None]), 0, 1)  # red oxide paint
    height = 0.06 + 0.014 * _bevel(sdf, 0.01)
    c.paint(w, c.coverage(sdf), _srgb(colour), height, 0.3, 20.0)
    _hex_bolt(c, px, py, 0.02, 0.1 + math.radians(angle_deg))
    eye = _sd_circle(X, Y, ex, ey, 0.012)
    c.paint(w, c.coverage(eye), _srgb([0.62, 0.62, 0.64]), 0.078 + 0.6 * _tube(0.012 + eye, 0.012), 0.7, 45.0)


_HOSES = (
    # control points, radius, colour, specular, gloss, texture
    (((-0.03, 0.40), (0.08, 0.44), (0.17, 0.55), (0.15, 0.74), (0.22, 0.90), (0.33, 1.03)), 0.021, (0.09, 0.09, 0.095),
     0.25, 14.0, "rubber"),
    (((0.62, -0.03), (0.69, 0.05), (0.80, 0.11), (0.86, 0.25)), 0.010, (0.62, 0.63, 0.65), 0.6, 35.0, "braid"),
    (((1.03, 0.70), (0.93, 0.73), (0.80, 0.80), (0.62, 0.82), (0.47, 0.845)), 0.016, (0.33, 0.34, 0.36), 0.2, 12.0, "corrugated"),
)


def _paint_hoses(c: _Canvas, rng: np.random.Generator) -> None:
    for control, radius, colour, spec, gloss, texture in _HOSES:
        pts = np.asarray(control, np.float32)
        sag = rng.normal(0.0, 0.006, pts.shape).astype(np.float32)
        sag[0] = sag[-1] = 0.0  # ends are clamped
        path = _bezier(pts + sag, 32)
        lo, hi = path.min(axis=0) - radius - 0.01, path.max(axis=0) + radius + 0.01
        w = c.window(float((lo[0] + hi[0]) / 2), float((lo[1] + hi[1]) / 2), float((hi[0] - lo[0]) / 2),
                     float((hi[1] - lo[1]) / 2))
        if w is None:
            continue
        d, along, side = _polyline_distance(w.X, w.Y, path, c.size, radius + 2.0 / c.size)
        sdf = d - radius
        profile = _tube(d, radius)
        base_colour = np.array(colour, np.float32)
        if texture == "braid":
            across = side * d
            pitch = 0.012
            braid = np.sin(2 * np.pi * (along + across) / pitch) * np.sin(2 * np.pi * (along - across) / pitch)
            tone = base_colour[None, None] * (1 + 0.2 * braid[..., None])
            profile = profile + 0.0012 * braid
        elif texture == "corrugated":
            ribs = np.sin(2 * np.pi * along / 0.011)
            tone = base_colour[None, None] * (1 + 0.05 * ribs[..., None])
            profile = profile * (1 + 0.12 * ribs)
        else:
            tone = np.broadcast_to(base_colour, (*d.shape, 3))
        top = 0.04 + profile  # hoses hang in front of the plate and the disc
        c.paint(w, c.coverage(sdf), _srgb(np.clip(tone, 0, 1)), top, spec, gloss)


def _vary_grime(c: _Canvas, rng: np.random.Generator) -> None:
    """A little more or less dust from photo to photo."""
    full = c.full()
    field_ = _Noise(rng, 4)(full.X, full.Y)
    c.albedo *= (1.0 + 0.04 * field_)[..., None]


# ==============================================================================================================
# Foreign bodies
# ==============================================================================================================


@dataclass
class _Look:
    sdf: np.ndarray  # signed distance in the body's own unit coordinates
    albedo: np.ndarray  # sRGB 0..1, h x w x 3
    height: np.ndarray  # unit coordinates, scaled with the body
    spec: object
    gloss: object


_Shape = Callable[[np.ndarray, np.ndarray], _Look]


def _paint_foreign_body(c: _Canvas, rng: np.random.Generator, config: SceneConfig) -> tuple[str, np.ndarray]:
    kind = str(config.foreign_kinds[int(rng.integers(len(config.foreign_kinds)))])
    shape, extent, mode = _BODY_MAKERS[kind](rng)
    angle = float(rng.uniform(0, 2 * math.pi))
    cx, cy = (float(v) for v in rng.uniform(0.16, 0.84, 2))
    target = float(rng.uniform(*config.foreign_area_range))

    def evaluate(scale: float):
        half = extent * scale + 2.0 / c.size
        w = c.window(cx, cy, half)
        u, v = _rotate(w.X, w.Y, cx, cy, angle)
        look = shape(u / scale, v / scale)
        alpha = c.coverage(look.sdf * scale)
        return w, look, alpha

    scale = 1.0
    for _ in range(4):  # area grows with scale squared, so one correction usually lands within a few percent
        w, look, alpha = evaluate(scale)
        area = float(alpha.sum()) / (c.size * c.size)
        if abs(area / target - 1.0) < 0.08:
            break
        scale *= math.sqrt(target / area) if area > 0 else 1.5
    c.paint(w, alpha, _srgb(np.clip(look.albedo, 0, 1)), look.height * scale, look.spec, look.gloss, mode=mode)
    full_alpha = np.zeros((c.size, c.size), np.float32)
    full_alpha[w.ys, w.xs] = alpha
    return kind, full_alpha


def _polar_blob(rng: np.random.Generator, radius: float, roughness: float, orders: int, fray: float = 0.0):
    """Radius as a function of angle: a random star-shaped outline (stones, rags), tabulated once."""
    amps = rng.normal(0, roughness, orders) / np.arange(2, orders + 2)
    phases = rng.uniform(0, 2 * np.pi, orders)
    fray_amps = rng.normal(0, fray, 24) / np.sqrt(np.arange(8, 32))
    fray_phases = rng.uniform(0, 2 * np.pi, 24)
    angles = np.linspace(-np.pi, np.pi, 1025)
    r = 1 + np.sum(amps[:, None] * np.cos(np.arange(2, orders + 2)[:, None] * angles[None] + phases[:, None]), axis=0)
    if fray:
        k = np.arange(8, 32)[:, None]
        r = r + np.sum(fray_amps[:, None] * np.cos(k * angles[None] + fray_phases[:, None]), axis=0)
    table = (radius * np.maximum(r, 0.3)).astype(np.float32)

    def outline(theta):
        return np.interp(theta, angles, table).astype(np.float32)

    return outline


def _make_wire(rng: np.random.Generator):
    length = rng.uniform(0.3, 0.42)
    radius = rng.uniform(0.014, 0.02)
    steps = 28
    heading = np.cumsum(rng.normal(0, 0.22, steps)) + rng.uniform(-0.3, 0.3)
    heading = np.convolve(heading, np.ones(5) / 5, mode="same")
    pts = np.cumsum(np.stack([np.cos(heading), np.sin(heading)], 1) * (length / steps), axis=0)
    pts = np.vstack([[0.0, 0.0], pts])
    pts -= pts.mean(axis=0)
    insulations = [(0.75, 0.12, 0.1), (0.88, 0.72, 0.12), (0.16, 0.55, 0.22), (0.16, 0.32, 0.78), (0.82, 0.47, 0.26)]
    choice = int(rng.integers(len(insulations)))
    insulation = np.array(insulations[choice], np.float32)
    bare = choice == len(insulations) - 1
    copper = np.array([0.86, 0.52, 0.3], np.float32)
    total = float(np.sum(np.hypot(*np.diff(pts, axis=0).T)))
    stripped = 0.03

    def shape(u, v):
        d, along, _ = _polyline_distance(u, v, pts.astype(np.float32))
        tip = (along < stripped) | (along > total - stripped)
        r = np.where(tip & (not bare), radius * 0.55, radius)
        sdf = d - r
        colour = np.where(tip[..., None] | bare, copper[None, None], insulation[None, None])
        shading = 1 + 0.03 * np.sin(along * 900.0)[..., None] * bare
        height = 0.004 + _tube(d, r)
        spec = np.where(tip | bare, 0.9, 0.35)
        gloss = np.where(tip | bare, 60.0, 28.0)
        return _Look(sdf, colour * shading, height, spec, gloss)

    extent = float(np.abs(pts).max() + radius * 1.5)
    return shape, extent, "drape"


def _make_nut(rng: np.random.Generator):
    inradius = 0.06
    hole = inradius * rng.uniform(0.45, 0.55)
    colour = np.array([(0.82, 0.68, 0.3), (0.74, 0.6, 0.34), (0.6, 0.38, 0.22)][int(rng.integers(3))], np.float32)
    tint = _Noise(rng, 6, extent=0.3, origin=(-0.15, -0.15), res=64)

    def shape(u, v):
        outer = _sd_hexagon(u, v, 0.0, 0.0, inradius)
        inner = -_sd_circle(u, v, 0.0, 0.0, hole)
        sdf = np.maximum(outer, inner)
        chamfer = np.minimum(_bevel(outer, 0.012), _bevel(inner, 0.008))
        thread = 1 - 0.25 * np.clip(1 - (np.hypot(u, v) - hole) / 0.01, 0, 1)
        albedo = colour[None, None] * (1 + 0.08 * tint(u, v)[..., None]) * thread[..., None]
        return _Look(sdf, albedo, 0.03 * chamfer + 0.004, 0.75, 40.0)

    return shape, inradius * 1.2, "rest"


def _make_bolt(rng: np.random.Generator):
    r = 0.022
    shank = rng.uniform(0.09, 0.14)
    head_half = 0.02
    colour = np.array([(0.62, 0.36, 0.2), (0.82, 0.68, 0.3)][int(rng.integers(2))], np.float32)
    rust = _Noise(rng, 10, extent=0.4, origin=(-0.2, -0.2), res=96)
    x_head = -shank / 2 - head_half

    def shape(u, v):
        head = _sd_box(u, v, x_head, 0.0, head_half, r * 1.75, 0.0, 0.004)
        body = _sd_box(u, v, 0.0, 0.0, shank / 2, r, 0.0, 0.003)
        sdf = np.minimum(head, body)
        threaded = (u > -shank / 2 + 0.03).astype(np.float32)
        ridges = np.sin(2 * np.pi * (u + 0.25 * v) / 0.008) * threaded
        across_body = _tube(np.abs(v), r) * (1 + 0.08 * ridges)
        facets = np.where(np.abs(v) < r * 0.6, 1.0, 0.78)  # hex head seen from the side: flat faces
        height = np.where(head < body, r * 1.6 * facets * _bevel(head, 0.006), across_body) + 0.003
        albedo = colour[None, None] * (1 + 0.12 * rust(u, v)[..., None] + 0.06 * ridges[..., None])
        return _Look(sdf, albedo, height, 0.5, 30.0)

    return shape, shank / 2 + 2 * head_half + r, "rest"


def _make_leaf(rng: np.random.Generator):
    length = rng.uniform(0.2, 0.26)
    width = length * rng.uniform(0.38, 0.5)
    bend = rng.uniform(-1.2, 1.2)
    colour = np.array([(0.36, 0.52, 0.16), (0.7, 0.55, 0.16), (0.55, 0.33, 0.14)][int(rng.integers(3))], np.float32)
    spots = _Noise(rng, 8, extent=0.4, origin=(-0.2, -0.2), res=96)

    def shape(u, v):
        v_bent = v - bend * (u * u - (length / 2) ** 2 / 3)
        t = np.clip(2 * u / length, -1, 1)
        half = 0.5 * width * np.power(np.clip(1 - t * t, 0, 1), 0.75)
        sdf = np.maximum(np.abs(v_bent) - half, np.abs(u) - length / 2) * 0.9
        stem = _sd_box(u, v_bent, -length / 2 - 0.02, 0.0, 0.025, 0.003)
        sdf = np.minimum(sdf, stem)
        rel = np.abs(v_bent) / np.maximum(half, 1e-4)
        midrib = np.clip(1 - np.abs(v_bent) / 0.0035, 0, 1)
        veins = np.clip(1 - np.abs(np.sin(2 * np.pi * (u - 0.8 * np.abs(v_bent)) / 0.03)) / 0.18, 0, 1) * (rel < 0.9)
        tone = colour[None, None] * (1 + 0.18 * spots(u, v)[..., None])
        tone = tone * (1 - 0.18 * veins[..., None]) + 0.25 * midrib[..., None] * np.array([0.9, 0.85, 0.55], np.float32)
        height = 0.003 + 0.008 * np.clip(1 - rel, 0, 1) + 0.002 * midrib
        return _Look(sdf, tone, height, 0.18, 14.0)

    return shape, length / 2 + 0.05, "drape"


def _make_rag(rng: np.random.Generator):
    radius = 0.085
    outline = _polar_blob(rng, radius, 0.5, 5, fray=0.05)
    colour = np.array([(0.32, 0.42, 0.62), (0.25, 0.55, 0.55), (0.76, 0.72, 0.62)][int(rng.integers(3))], np.float32)
    folds = _Noise(rng, 5, extent=0.4, origin=(-0.2, -0.2), res=96)
    stains = _Noise(rng, 9, extent=0.4, origin=(-0.2, -0.2), res=96)
    weave_angle = rng.uniform(0, np.pi)

    def shape(u, v):
        rho, theta = np.hypot(u, v), np.arctan2(v, u)
        sdf = (rho - outline(theta)) * 0.8
        a, b = _rotate(u, v, 0.0, 0.0, weave_angle)
        weave = np.sin(2 * np.pi * a / 0.011) * np.sin(2 * np.pi * b / 0.011)
        fold = folds(u, v)
        dirt = np.clip(stains(u, v), 0, None)
        tone = colour[None, None] * (1 + 0.06 * weave[..., None]) * (1 - 0.35 * dirt[..., None] / 2.5)
        height = 0.004 + 0.008 * (fold + 2) / 4 + 0.0006 * weave
        return _Look(sdf, tone, height, 0.04, 6.0)

    return shape, radius * 2.2, "drape"


def _make_stone(rng: np.random.Generator):
    radius = 0.07
    outline = _polar_blob(rng, radius, 0.35, 4)
    colour = np.array([(0.66, 0.6, 0.5), (0.7, 0.5, 0.37), (0.58, 0.56, 0.52)][int(rng.integers(3))], np.float32)
    grain = _Noise(rng, 40, extent=0.4, origin=(-0.2, -0.2), res=256)
    mottling = _Noise(rng, 7, extent=0.4, origin=(-0.2, -0.2), res=96)
    dome = rng.uniform(0.45, 0.7)

    def shape(u, v):
        rho, theta = np.hypot(u, v), np.arctan2(v, u)
        r = outline(theta)
        sdf = (rho - r) * 0.85
        q = np.clip(rho / r, 0, 1)
        g = grain(u, v)
        specks = np.where(g > 1.4, 0.55, np.where(g < -1.6, -0.45, 0.0))
        tone = colour[None, None] * (1 + 0.12 * mottling(u, v)[..., None] + specks[..., None] * 0.6)
        height = dome * radius * np.sqrt(np.clip(1 - q * q, 0, 1)) + 0.0015 * g
        return _Look(sdf, tone, height, 0.08, 8.0)

    return shape, radius * 1.8, "rest"


_BODY_MAKERS = {
    "wire": _make_wire,
    "loose_nut": _make_nut,
    "loose_bolt": _make_bolt,
    "leaf": _make_leaf,
    "rag": _make_rag,
    "stone": _make_stone,
}


# ==============================================================================================================
# Light, camera, sensor
# ==============================================================================================================


@dataclass
class _Light:
    azimuth: float
    elevation: float
    colour: np.ndarray
    gain: float
    gradient: float
    gradient_angle: float
    vignette: float


def _draw_light(rng: np.random.Generator, config: SceneConfig) -> _Light:
    if config.nuisance == "lighting":
        lo, hi = config.light_azimuth_range
        azimuth = (0.5 * (lo + hi) + 180.0 + rng.uniform(-25, 25)) % 360.0  # from the opposite side
        elevation = rng.uniform(18.0, 28.0)  # low, raking
        cast = np.array([(1.0, 0.78, 0.5), (0.62, 0.8, 1.0)][int(rng.integers(2))], np.float32)
        gain = rng.uniform(1.0, 1.25)
        gradient = rng.uniform(0.3, 0.45)
    else:
        azimuth = rng.uniform(*config.light_azimuth_range)
        elevation = rng.uniform(*config.light_elevation_range)
        cast = (1.0 + rng.uniform(-config.colour_cast, config.colour_cast, 3)).astype(np.float32)
        gain = rng.uniform(*config.gain_range)
        gradient = rng.uniform(*config.illumination_gradient_range)
    cast = cast / float(cast.mean())
    return _Light(
        azimuth=float(azimuth),
        elevation=float(elevation),
        colour=cast,
        gain=float(gain),
        gradient=float(gradient),
        gradient_angle=float(azimuth + rng.uniform(-20, 20)),
        vignette=float(rng.uniform(0.1, 0.25)),
    )


def _shade(c: _Canvas, light: _Light) -> np.ndarray:
    """Linear RGB under one directional light, with shadows and ambient occlusion from the height map."""
    s = c.size
    az, el = math.radians(light.azimuth), math.radians(light.elevation)
    lx, ly, lz = math.cos(az) * math.cos(el), math.sin(az) * math.cos(el), math.sin(el)

    height = c.height
    gx = cv2.Sobel(height, cv2.CV_32F, 1, 0, ksize=3) * (s / 8.0)
    gy = cv2.Sobel(height, cv2.CV_32F, 0, 1, ksize=3) * (s / 8.0)
    norm = np.sqrt(gx * gx + gy * gy + 1.0)
    nx, ny, nz = -gx / norm, -gy / norm, 1.0 / norm
    diffuse = np.clip(nx * lx + ny * ly + nz * lz, 0.0, 1.0)
    hx, hy, hz = lx, ly, lz + 1.0
    hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    n_dot_h = np.clip((nx * hx + ny * hy + nz * hz) / hn, 0.0, 1.0)
    specular = c.spec * np.power(n_dot_h, c.gloss)

    # Height-map shadows: a point is in shadow when the surface towards the light rises above the light ray.
    shadow = np.zeros_like(height)
    tan_el = math.tan(el)
    scale = s / 256.0
    for step in (1.5, 3.0, 5.0, 8.0, 12.0, 18.0):
        t = step * scale
        m = np.float32([[1, 0, lx / math.cos(el) * t], [0, 1, ly / math.cos(el) * t]])
        ahead = cv2.warpAffine(height, m, (s, s), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
        rise = (ahead - height) * s - t * tan_el
        shadow = np.maximum(shadow, np.clip(rise / 1.5, 0.0, 1.0))
    shadow = 1.0 - 0.7 * cv2.GaussianBlur(shadow, (0, 0), 0.8 * scale + 0.3)  # sky and walls fill shadows a little
    occlusion = 1.0 - np.clip((cv2.GaussianBlur(height, (0, 0), 6 * scale) - height) * s * 0.08, 0.0, 0.6)

    ambient = 0.22
    lit = c.albedo * (ambient * occlusion + 0.85 * diffuse * shadow)[..., None] + (specular * shadow)[..., None] * 0.9

    X, Y = (g - 0.5 for g in _grid(s))
    ga = math.radians(light.gradient_angle)
    falloff = 1.0 + light.gradient * (X * math.cos(ga) + Y * math.sin(ga)) * -2.0  # brighter towards the lamp
    vignette = 1.0 - light.vignette * (X * X + Y * Y) * 2.0
    field_ = (falloff * vignette * light.gain).astype(np.float32)
    return lit * field_[..., None] * light.colour[None, None]


def _camera(linear: np.ndarray, alpha: np.ndarray, rng: np.random.Generator, config: SceneConfig):
    """Small hand-held shift and roll; the mask moves with the picture."""
    s = config.size
    dx, dy = rng.uniform(-config.camera_shift, config.camera_shift, 2) * s
    angle = rng.uniform(-config.camera_rotation, config.camera_rotation)
    m = cv2.getRotationMatrix2D((s / 2, s / 2), float(angle), 1.0)
    m[:, 2] += (dx, dy)
    moved = cv2.warpAffine(linear, m, (s, s), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    moved_alpha = cv2.warpAffine(alpha, m, (s, s), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return moved, moved_alpha


def _sensor(linear: np.ndarray, rng: np.random.Generator, config: SceneConfig) -> np.ndarray:
    """Slight defocus, gamma, and noise that grows with brightness like photon noise."""
    s = config.size
    sigma_blur = rng.uniform(0.0, 0.6) * s / 256.0
    if sigma_blur > 0.05:
        linear = cv2.GaussianBlur(linear, (0, 0), sigma_blur)
    srgb = cv2.pow(np.clip(linear, 0.0, 1.0), 1.0 / _GAMMA)
    sigma = rng.uniform(*config.noise_sigma_range)
    noise = rng.standard_normal(srgb.shape, dtype=np.float32) * sigma * (0.6 + 0.8 * srgb)
    return np.clip(np.round((srgb + noise) * 255.0), 0, 255).astype(np.uint8)
