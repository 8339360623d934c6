"""`glm-migrate` and `python -m glm_migrate`: the start-up cache first (it must see every
dataclass made, LibCST's included), then the command line."""

from glm_migrate.startup import cache_dataclass_code

cache_dataclass_code()

from glm_migrate.cli import main  # noqa: E402  (after the cache is set up)

if __name__ == "__main__":
    main()
