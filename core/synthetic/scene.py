"""Rendering one synthetic photo: the device, its moving parts, maybe a foreign body, then light, camera and sensor."""
from __future__ import annotations

from typing import Optional

import numpy as np

from core.synthetic.scene_config import RenderedScene, SceneConfig
from core.synthetic.device import (
    _draw_part_positions, _paint_hoses, _paint_lever, _paint_push_rod, _static_device, _vary_grime,
)
from core.synthetic.foreign_bodies import _paint_foreign_body
from core.synthetic.camera import _camera, _draw_light, _sensor, _shade


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


