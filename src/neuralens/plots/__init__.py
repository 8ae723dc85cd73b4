"""Figures for every chapter; the only place matplotlib is imported.

Functions take data (+ ``ax=None``) and return the Axes or Figure; callers show
or save them (``plots.save(fig, path)``, ``plots.to_rgb(fig)`` for the explorer).
"""

from neuralens.plots.captions import plot_captioned_scenes, plot_word_attention
from neuralens.plots.convolution import (
    plot_conv_step,
    plot_filtered,
    plot_kernel,
    plot_kernel_convergence,
    plot_number_grid,
    plot_pooling_example,
    plot_pooling_pyramid,
)
from neuralens.plots.data import plot_digit_grid, plot_shapes, plot_wine_scatter
from neuralens.plots.export import rgb_to_png, save, save_gif, to_png_bytes, to_rgb
from neuralens.plots.history import plot_history
from neuralens.plots.inside import (
    plot_confusion,
    plot_feature_maps,
    plot_filters,
    plot_flattened,
    plot_learned_vs_designed,
    plot_mistakes,
    plot_nonlinearity,
    plot_pixel_values,
    plot_probabilities,
    plot_training,
    plot_unit,
    plot_weight_image,
)
from neuralens.plots.latent import (
    pixel_frame,
    pixel_to_data,
    plot_latent_map,
    plot_manifold,
    plot_reconstructions,
    plot_samples,
    plot_strips,
)
from neuralens.plots.line_frames import LineFitFrames, line_fit_frames
from neuralens.plots.linear import (
    PixelBox,
    contour_picture,
    descent_frames,
    iter_descent_frames,
    line_figures,
    plot_descent_comparison,
    plot_descent_path,
    plot_descent_step,
    plot_landscape_contour,
    plot_landscape_surface,
    plot_learning_rates,
    plot_line_fit,
)
from neuralens.plots.network import plot_grade_training, plot_network
from neuralens.plots.style import COLORS, Axes, Figure, new_axes, new_figure

__all__ = [
    "pixel_frame",
    "pixel_to_data",
    "plot_latent_map",
    "plot_manifold",
    "plot_reconstructions",
    "plot_samples",
    "plot_strips",
    "plot_captioned_scenes",
    "plot_word_attention",
    "plot_conv_step",
    "plot_filtered",
    "plot_kernel",
    "plot_kernel_convergence",
    "plot_number_grid",
    "plot_pooling_example",
    "plot_pooling_pyramid",
    "COLORS",
    "PixelBox",
    "Axes",
    "Figure",
    "contour_picture",
    "descent_frames",
    "iter_descent_frames",
    "line_figures",
    "line_fit_frames",
    "LineFitFrames",
    "new_axes",
    "new_figure",
    "plot_digit_grid",
    "plot_confusion",
    "plot_descent_comparison",
    "plot_descent_path",
    "plot_descent_step",
    "plot_feature_maps",
    "plot_filters",
    "plot_flattened",
    "plot_grade_training",
    "plot_history",
    "plot_landscape_contour",
    "plot_landscape_surface",
    "plot_learning_rates",
    "plot_learned_vs_designed",
    "plot_line_fit",
    "plot_mistakes",
    "plot_network",
    "plot_nonlinearity",
    "plot_pixel_values",
    "plot_probabilities",
    "plot_training",
    "plot_unit",
    "plot_weight_image",
    "plot_shapes",
    "plot_wine_scatter",
    "rgb_to_png",
    "save",
    "save_gif",
    "to_png_bytes",
    "to_rgb",
]
