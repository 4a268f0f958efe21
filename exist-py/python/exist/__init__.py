"""exist — threat intelligence in process.

The same library as the ``exist`` command and server, for notebooks and
scripts: extract and normalize indicators, open a store, look indicators up
(with live enrichment), search, collect feeds, import lists, inspect URLs.
Every result is plain dicts and lists (JSON-compatible), so
``pandas.DataFrame(db.search("emotet"))`` works as it is.

>>> import exist
>>> exist.normalize("hxxps://Evil[.]Example/Login.php")
{'kind': 'url', 'value': 'https://evil.example/Login.php'}
>>> [i["value"] for i in exist.extract("C2 at 198.51.100[.]7 and evil[.]example")]
['198.51.100.7', 'evil.example']

Blocking calls release the GIL; one ``Exist`` may be shared by threads.
Errors are :class:`ExistError` or one of its subclasses.
"""

from exist._core import (
    ConfigError,
    Exist,
    ExistError,
    InspectError,
    InvalidIndicator,
    SourceError,
    StoreError,
    __version__,
    extract,
    normalize,
)

__all__ = [
    "ConfigError",
    "Exist",
    "ExistError",
    "InspectError",
    "InvalidIndicator",
    "SourceError",
    "StoreError",
    "__version__",
    "extract",
    "normalize",
]
