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
from core.synthetic.dataset import generate_batch, generate_dataset
from core.synthetic.frames import CAMERA_FRAME, camera_frame
from core.synthetic.scene import compose_scene, render_scene
from core.synthetic.scene_config import DEFECT_TYPE, FOREIGN_BODY_KINDS, NUISANCES, RenderedScene, SceneConfig

__all__ = [
    "DEFECT_TYPE", "FOREIGN_BODY_KINDS", "NUISANCES", "RenderedScene", "SceneConfig",
    "compose_scene", "render_scene", "generate_batch", "generate_dataset", "CAMERA_FRAME", "camera_frame",
]
