"""Type stubs of the native module ``exist._core`` (re-exported by ``exist``)."""

from os import PathLike
from typing import Any, Dict, List, Optional, TypedDict, Union

__version__: str

class Extracted(TypedDict):
    kind: str
    value: str
    start: int
    end: int

class ExistError(Exception): ...
class InvalidIndicator(ExistError): ...
class ConfigError(ExistError): ...
class StoreError(ExistError): ...
class SourceError(ExistError): ...
class InspectError(ExistError): ...

def extract(text: str) -> List[Extracted]:
    """The indicators in ``text``, in order of first appearance; ``start``/``end`` index ``text``."""

def normalize(value: str) -> Dict[str, str]:
    """``value`` in canonical form (``kind``, ``value``, maybe ``display``); raises InvalidIndicator."""

class Exist:
    @staticmethod
    def open(
        database_url: Optional[str] = None,
        home: Optional[Union[str, PathLike[str]]] = None,
    ) -> "Exist":
        """Opens exist: the database (default: SQLite in the home) and ``home/exist.toml``."""
    @property
    def home(self) -> str: ...
    def lookup(self, value: str, enrich: bool = False) -> Dict[str, Any]:
        """``indicator``, ``local`` (stored hits) and, with ``enrich``, one key per enricher."""
    def search(self, query: str, limit: int = 50) -> List[Dict[str, Any]]:
        """Records whose text contains ``query``, newest first."""
    def stats(self) -> Dict[str, Any]:
        """Counts per indicator kind, record kind, source and day."""
    def sources(self) -> List[Dict[str, Any]]:
        """Every source with its state, last run and entry count."""
    def collect(self, *names: str) -> Dict[str, Dict[str, Any]]:
        """Runs the named sources (or every enabled one) now; each run's status by name."""
    def import_list(self, path: Union[str, PathLike[str]], source: str) -> Dict[str, Any]:
        """Imports an indicator list from ``path`` as ``source``; counts and refused samples."""
    def inspect_url(self, url: str, refresh: bool = False) -> Dict[str, Any]:
        """Fetches ``url`` safely and records what came back (``cached`` says if from the store)."""
