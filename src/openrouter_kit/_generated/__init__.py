"""Generated enums, wire models, endpoint table and call parameters.

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""
