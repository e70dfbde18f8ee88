"""Where each benchmark runs: a database (SQLite or PostgreSQL) holding a synthetic organisation
of a given size, built once by `rapport synth` and reused while its recipe stays the same."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAPPORT = str(Path(sys.executable).with_name("rapport"))
BENCH_VAR = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
SEED = 1

# People and years of history. The soak writes into its own small organisation.
SIZES = {"small": (100, 5), "large": (10_000, 5), "soak": (60, 1)}


@dataclass(frozen=True)
class Environment:
    database: str  # "sqlite" or "postgresql"
    size: str  # a key of SIZES

    @property
    def name(self) -> str:
        return f"{self.database}-{self.size}"

    @property
    def people(self) -> int:
        return SIZES[self.size][0]

    @property
    def var_dir(self) -> Path:
        return BENCH_VAR / self.name

    def env(self, **extra: str) -> dict[str, str]:
        """The process environment of Rapport in this place (production settings on loopback)."""
        variables = dict(os.environ)
        variables.pop("DATABASE_URL", None)
        variables.update(
            RAPPORT_VAR_DIR=str(self.var_dir),
            RAPPORT_PRODUCTION="true",
            SECRET_KEY="bench-only-" + "x" * 50,
            # A fixed bench-only master key (base64 of 32 bytes): private text is encrypted.
            RAPPORT_MASTER_KEY="YmVuY2gtb25seS1tYXN0ZXIta2V5LTMyLWJ5dGVzISE=",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            # As behind a TLS-terminating proxy: requests say https, so nothing redirects.
            RAPPORT_BEHIND_PROXY="true",
            EMAIL_BACKEND="console",
        )
        if self.database == "postgresql":
            variables["DATABASE_URL"] = f"{PG_SERVER}/rapport_bench_{self.size}"
        variables.update(extra)
        return variables


def prepared(environment: Environment, *, log: Path) -> Environment:
    """Migrates and fills the database unless the same recipe was built there before."""
    environment.var_dir.mkdir(parents=True, exist_ok=True)
    people, years = SIZES[environment.size]
    recipe = {"people": people, "years": years, "seed": SEED, "generator": _generator_version()}
    stamp = environment.var_dir / "synth.json"
    if environment.database == "postgresql":
        _create_pg_database(f"rapport_bench_{environment.size}")
    run = _runner(environment, log)
    run(RAPPORT, "migrate", "--no-input")
    run(RAPPORT, "collectstatic", "--no-input", "-v0")  # production serves the hashed files
    if stamp.exists() and json.loads(stamp.read_text()) == recipe and _has_people(environment):
        _undemo(run)
        return environment
    if stamp.exists() or _has_people(environment):
        reset(environment)
        run(RAPPORT, "migrate", "--no-input")
    print(f"  building the synthetic organisation for {environment.name} (once)...", flush=True)
    # synth refuses in production mode (shared password): it runs with development settings.
    run(RAPPORT, "synth", f"--people={people}", f"--years={years}", f"--seed={SEED}",
        production=False)  # fmt: skip
    stamp.write_text(json.dumps(recipe))
    _undemo(run)
    return environment


def _undemo(run: Callable[..., None]) -> None:
    # The synthetic people share a published password, so synth marks them as demo accounts, and
    # production (which the benchmarks measure) refuses those. In the benchmark's own database
    # they become ordinary accounts so that its sessions stay signed in.
    run(sys.executable, "-m", "bench.drills.db", "undemo")


def _generator_version() -> str:
    """Changes whenever the generator's code does, so an outdated organisation is rebuilt."""
    digest = hashlib.sha256()
    generator = ROOT / "rapport" / "fakedata"
    for path in sorted([*generator.glob("*.py"), *generator.glob("data/*.json")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _runner(environment: Environment, log: Path) -> Callable[..., None]:
    def run(*command: str, production: bool = True) -> None:
        env = environment.env() if production else environment.env(RAPPORT_PRODUCTION="false")
        with log.open("a") as out:
            subprocess.run(command, env=env, check=True, stdout=out, stderr=subprocess.STDOUT)

    return run


def _has_people(environment: Environment) -> bool:
    code = "from rapport.people.models import Person; print(Person.objects.exists())"
    result = subprocess.run(
        [RAPPORT, "shell", "-c", code], env=environment.env(), capture_output=True, text=True
    )
    return result.stdout.strip().endswith("True")  # after the shell's own chatter


def reset(environment: Environment) -> None:
    """Empties the environment's database (the schema is migrated again by `prepared`)."""
    if environment.database == "postgresql":
        name = f"rapport_bench_{environment.size}"
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _create_pg_database(name)
    elif environment.var_dir.exists():
        for path in environment.var_dir.glob("*.sqlite3*"):
            path.unlink()
    (environment.var_dir / "synth.json").unlink(missing_ok=True)


def postgres_reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _create_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _psql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)
