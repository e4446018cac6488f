import types

import detente


def test_public_api_all_is_sorted_and_complete() -> None:
    assert detente.__all__ == sorted(detente.__all__)
    public = {
        name
        for name, value in vars(detente).items()
        if not name.startswith("_")
        and (not isinstance(value, types.ModuleType) or name in detente.__all__)
    }
    assert public == set(detente.__all__)
