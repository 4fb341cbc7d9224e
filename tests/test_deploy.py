"""Deployment files: hadolint, the compose schema, .env.example, the lock, Datasette's canned queries, and the
image's exact command and healthcheck run outside Docker against a real database."""

import json
import re
import shutil
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot import heartbeat
from bot.cli.ops import render_env_example
from bot.config import describe
from bot.models import Match, Post, utcnow
from bot.store.db import Store
from bot.store.posts import save_post
from tests.conftest import REPO, cli_env, wait_for

DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "docker-compose.yml"


def _tool(name: str) -> str:
    """A console script of the `test` extra, from this interpreter's environment first."""
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert path, f"{name} not found: pip install -e '.[test]'"
    return path


def final_stage(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile's last stage, continuation lines joined."""
    logical = re.sub(r"\\\n", " ", "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#")))
    steps = [tuple(line.strip().split(None, 1)) for line in logical.splitlines() if line.strip()]
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return [(op.upper(), args) for op, args in steps[last_from:]]


def image_config() -> dict:
    steps = final_stage(DOCKERFILE.read_text(encoding="utf-8"))
    one = {op: args for op, args in steps}
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(args for op, args in steps if op == "ENV")))
    healthcheck = re.search(r"\bCMD\s+(\[.*\])", one["HEALTHCHECK"]).group(1)
    return {"command": json.loads(one["ENTRYPOINT"]) + json.loads(one["CMD"]),
            "healthcheck": json.loads(healthcheck), "env": env, "user": one["USER"], "steps": steps}


def test_dockerfile_is_hadolint_clean():
    result = subprocess.run([_tool("hadolint"), str(DOCKERFILE)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_matches_the_compose_schema():
    result = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_runs_sahelwatch_as_a_fixed_non_root_user():
    config = image_config()
    assert config["command"] == ["sahelwatch", "run"]
    assert config["healthcheck"] == ["sahelwatch", "health"]
    uid, _, gid = config["user"].partition(":")
    assert uid.isdigit() and int(uid) > 0 and gid.isdigit()
    assert config["env"]["PYTHONDONTWRITEBYTECODE"] == "1" and config["env"]["PYTHONUNBUFFERED"] == "1"
    copied = [args for op, args in config["steps"] if op == "COPY"]
    assert "watchlists/ ./watchlists/" in copied  # beside bot/, where default_watchlists() looks


def _as_here(argv: list[str]) -> list[str]:
    """The image's argv with `sahelwatch` bound to this checkout's code."""
    assert argv[0] == "sahelwatch"
    return [sys.executable, "-m", "bot", *argv[1:]]


def fresh(db: Path) -> bool:
    """The heartbeat by the healthcheck's default rule (6 beats of 0.2 s), read in this process: the
    tests wait on it, then run the real healthcheck, instead of starting it over and over."""
    return heartbeat.check(db, 6 * 0.2).ok


def test_image_command_and_healthcheck_outside_docker(tmp_path):
    config = image_config()
    python_env = {k: v for k, v in config["env"].items() if k.startswith("PYTHON")}
    env = cli_env(**python_env, SAHELWATCH_DB=str(tmp_path / "storage" / "sahelwatch.db"),
                  SAHELWATCH_WATCHLISTS=str(tmp_path / "watchlists"), SAHELWATCH_HEARTBEAT_SECONDS="0.2")

    def healthcheck() -> subprocess.CompletedProcess:
        return subprocess.run(_as_here(config["healthcheck"]), cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=60)

    assert healthcheck().returncode == 1  # not started yet: no database
    bot = subprocess.Popen(_as_here(config["command"]), cwd=REPO, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: fresh(tmp_path / "storage" / "sahelwatch.db")), "the bot never wrote a heartbeat"
        assert wait_for(lambda: healthcheck().returncode == 0, interval=0.5), "the bot never became healthy"
        assert healthcheck().stdout.startswith("ok: heartbeat")
    finally:
        bot.send_signal(signal.SIGTERM)
        _out, err = bot.communicate(timeout=30)
    assert bot.returncode == 0, err
    after = healthcheck()
    assert after.returncode == 1 and after.stderr.startswith("the bot stopped")


def test_healthcheck_goes_stale_when_the_bot_is_killed(tmp_path):
    config = image_config()
    env = cli_env(SAHELWATCH_DB=str(tmp_path / "bot.db"), SAHELWATCH_HEARTBEAT_SECONDS="0.2")
    bot = subprocess.Popen(_as_here(config["command"]), cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)

    def check() -> subprocess.CompletedProcess:
        return subprocess.run(_as_here(config["healthcheck"]), cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=60)

    try:
        assert wait_for(lambda: fresh(tmp_path / "bot.db"))
        assert wait_for(lambda: check().returncode == 0, interval=0.5)
    finally:
        bot.kill()  # no clean stop mark: only the heartbeat's age can tell
        bot.wait(10)
    assert wait_for(lambda: not fresh(tmp_path / "bot.db"))
    assert wait_for(lambda: check().returncode == 1, interval=0.5)
    assert check().stderr.startswith("stale heartbeat: last tick")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_bot_service_is_locked_down():
    bot = _compose()["services"]["bot"]
    assert bot["restart"] == "unless-stopped" and bot["init"] is True and bot["stop_grace_period"] == "30s"
    assert bot["read_only"] is True and bot["tmpfs"] == ["/tmp"] and bot["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in bot["security_opt"] and bot["mem_limit"] == "256m"
    assert bot["logging"]["driver"] == "local" and bot["logging"]["options"]["max-size"]
    assert "./watchlists:/app/watchlists:ro" in bot["volumes"]


def test_compose_secrets_feed_the_file_variables_the_bot_reads():
    compose = _compose()
    bot = compose["services"]["bot"]
    known = {var for var, _, _ in describe()}
    secrets = {var: path for var, path in bot["environment"].items() if var.endswith("_FILE")}
    for var, path in secrets.items():
        assert var in known
        secret = path.removeprefix("/run/secrets/")
        assert secret in bot["secrets"] and secret in compose["secrets"]
    # the one other variable: the database, pinned to the file Datasette serves (its metadata's name)
    assert {k: v for k, v in bot["environment"].items() if k not in secrets} == {
        "SAHELWATCH_DB": next(a for a in compose["services"]["datasette"]["command"] if a.endswith(".db"))}


def test_compose_datasette_is_local_only_and_its_metadata_exists():
    datasette = _compose()["services"]["datasette"]
    assert all(port.startswith("127.0.0.1:") for port in datasette["ports"])
    assert not any(arg in ("-i", "--immutable") or arg.startswith("--immutable") for arg in datasette["command"])
    host_file = next(v.split(":")[0] for v in datasette["volumes"] if v.endswith("metadata.yml:ro"))
    assert (REPO / host_file).is_file()


def test_env_example_is_up_to_date():
    current = (REPO / ".env.example").read_text(encoding="utf-8")
    assert current == render_env_example(), "run: sahelwatch env-example > .env.example"
    for var, _, _ in describe():
        assert f"#{var}=" in current


def test_lock_pins_every_runtime_dependency():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    lines = [ln for ln in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith("#")]
    pins = dict(ln.split("==") for ln in lines)
    assert all(re.fullmatch(r"[a-z0-9-]+==[\w.]+", ln) for ln in lines)
    for dep in map(Requirement, declared):
        name = canonicalize_name(dep.name)
        assert name in pins, f"{name} missing from requirements.lock: python deploy/lock.py > requirements.lock"
        assert dep.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} violates {dep}"


def _canned(tmp_path) -> tuple[dict, Store]:
    store = Store(tmp_path / "sahelwatch.db")
    text = "Attaque à Ménaka: des drones ont frappé un convoi près de Boko-Haram"
    post = Post("x", "1", text, utcnow(), url="https://x.com/a/status/1", author_handle="a",
                topics=("attack",), matches=(Match("attack", "attaque", 0, 7),))
    row = save_post(store, post).row_id
    with store.write() as db:
        db.execute("INSERT INTO outbox (alert_key, channel, kind, post_id, created_at) VALUES (?, ?, ?, ?, ?)",
                   ("x:1@alerts", "alerts", "instant", row, utcnow().isoformat()))
    metadata = yaml.safe_load((REPO / "deploy" / "datasette-metadata.yml").read_text(encoding="utf-8"))
    return metadata["databases"]["sahelwatch"]["queries"], store


def test_datasette_canned_queries_run_on_the_real_schema(tmp_path):
    queries, store = _canned(tmp_path)
    params = {"topic": "attack", "q": "menaka drones"}
    results = {name: store.query(q["sql"], {k: v for k, v in params.items() if f":{k}" in q["sql"]})
               for name, q in queries.items()}
    store.close()
    assert {"latest_alerts", "posts_by_topic", "search"} <= results.keys()
    assert [r["channel"] for r in results["latest_alerts"]] == ["alerts"]
    assert [(r["terms"], r["url"]) for r in results["posts_by_topic"]] == [("attaque", "https://x.com/a/status/1")]
    assert "«Ménaka»" in results["search"][0]["snippet"]  # accent-insensitive match, highlighted
    assert [r["topic"] for r in results["topics"]] == ["attack"]


def test_the_image_unpacks_the_language_model_once_and_runs_from_it(tmp_path):
    """The Dockerfile's cache step, run as written (its directory moved to tmp_path), leaves a
    cache that `sahelwatch analyze` maps without writing anything more."""
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    step = re.search(r'^RUN SAHELWATCH_CACHE_DIR=(\S+) python -c "([^"]+)"$', dockerfile, re.M)
    assert step, "the Dockerfile builds the language model cache"
    assert image_config()["env"].get("SAHELWATCH_CACHE_DIR") == step.group(1), "the image runs with that cache"
    cache = tmp_path / "cache"
    subprocess.run([sys.executable, "-c", step.group(2)], cwd=REPO, check=True,
                   env=cli_env(SAHELWATCH_CACHE_DIR=str(cache)))
    written = {p: p.stat().st_mtime_ns for p in cache.rglob("*")}
    assert any(p.name == "nextmove.bin" for p in written)
    done = subprocess.run([sys.executable, "-m", "bot", "analyze", "-"], cwd=REPO, capture_output=True, text=True,
                          input='{"id": "1", "text": "Des hommes armés ont attaqué le marché de Tillabéri hier"}\n',
                          env=cli_env(SAHELWATCH_CACHE_DIR=str(cache)), check=True)
    assert json.loads(done.stdout)["lang"] == "fr"
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*")} == written
