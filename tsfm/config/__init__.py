"""Model configuration: presets, validated estimator settings, and the frozen ``ModelConfig``.

- :mod:`tsfm.config.presets`: depth, width and heads of the size presets;
- :mod:`tsfm.config.patch_size`: the ``patch_size="auto"`` rule;
- :mod:`tsfm.config.settings`: estimator parameters validated once in ``fit``;
- :mod:`tsfm.config.model_config`: :class:`ModelConfig`, what a set of weights means;
- :mod:`tsfm.config.param_count`: its parameter count in closed form, and the cap;
- :mod:`tsfm.config.errors`: validation errors as messages that name each key.
"""
