"""What `pip install ./exist-py` puts in place: the native module as an
abi3 extension, the stubs and the py.typed marker, docstrings, and the
exception hierarchy."""

import importlib.resources

import exist


def test_the_package_ships_stubs_and_an_abi3_module():
    names = {p.name for p in importlib.resources.files("exist").iterdir()}
    assert {"__init__.py", "_core.pyi", "py.typed"} <= names
    assert any(n.startswith("_core") and ".abi3." in n for n in names), names
    assert exist.__version__.count(".") == 2


def test_everything_public_is_documented():
    assert "normalize" in exist.__doc__
    for obj in [exist.extract, exist.normalize, exist.Exist.open, exist.Exist.lookup,
                exist.Exist.search, exist.Exist.stats, exist.Exist.sources, exist.Exist.collect,
                exist.Exist.import_list, exist.Exist.inspect_url]:
        assert obj.__doc__ and len(obj.__doc__) > 20, obj


def test_the_exceptions_form_one_hierarchy():
    for cls in [exist.InvalidIndicator, exist.ConfigError, exist.StoreError,
                exist.SourceError, exist.InspectError]:
        assert issubclass(cls, exist.ExistError) and cls.__doc__
    assert issubclass(exist.ExistError, Exception)
