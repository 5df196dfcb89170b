"""Generated wire models and endpoint table of openrouter-kit.

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""
