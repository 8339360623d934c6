"""BLAKE2b, the digest of cache keys and of the pickled tables' key.

Taken from where hashlib takes it: importing hashlib also loads OpenSSL, about 10 M instructions
of a one-file run that never uses it.
"""

try:
    from _blake2 import blake2b
except ImportError:  # not CPython
    from hashlib import blake2b

__all__ = ["blake2b"]
