import detente


def test_public_api_all_is_sorted_and_complete() -> None:
    assert detente.__all__ == sorted(detente.__all__, key=str)
    public = {name for name in vars(detente) if not name.startswith("_")}
    # Submodules imported as a side effect of the imports above are not API.
    modules = {
        "actors",
        "coder",
        "coding",
        "ingest",
        "pipeline",
        "registry",
        "settings",
        "store",
        "text",
    }
    assert public - modules == set(detente.__all__) | {"logging"}
