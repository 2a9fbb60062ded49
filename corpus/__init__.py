"""The bundled corpus: documents (text + YAML metadata) and the lexicon used for matching.

A package only so that its data files install with PolicyBot; nothing is imported from here.
"""
