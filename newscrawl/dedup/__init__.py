"""Syndicated-copy detection: URL keys, sentence fingerprints, verification, and the engine.

Modules, in the order a document goes through them: ``story_text`` (junk lines off), ``fingerprint``
(sentence hashes, skeletons, shapes, anchors), ``urlkey``, ``verify`` (is it the same story?),
``engine`` (decisions against a ``newscrawl.store`` backend), ``copies`` (the side feed).
"""
