"""The brake unit itself: the parts that never move (cached per layout seed), and the lever, push rod, hoses and
grime that change from photo to photo."""
from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from core.synthetic.scene_config import SceneConfig
from core.synthetic.canvas import (
    _Canvas, _Noise, _bevel, _bezier, _fine_noise, _polyline_distance, _sd_box, _sd_circle, _sd_hexagon, _srgb,
    _tube,
)


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


