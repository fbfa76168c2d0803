#!/usr/bin/env python3
"""Load benchmark: N generated instances over K concurrent ``storescu`` associations into
a real Orthanc, plugin off vs plugin on.

    .venv/bin/python scripts/load-bench.py [--n 1000] [--concurrency 4] [--workers W]
        [--set DIR] [--json FILE] [--print-every 30] [--deadline S] [--skip-off]

The set comes from ``scripts/loadgen.py`` (default: generated into the work folder;
``--set DIR`` reuses or creates one there): mixed modalities and sizes, every file a
distinct instance, uncompressed (what plain ``storescu`` proposes).

Two servers are started one after the other with the integration tests' function
(``tests/integration/conftest.py``), each in its own folder on free ports:

- *plugin off*: ``ORTHANC__PLUGINS=[]``;
- *plugin on*: the reference configuration (``--workers`` sets
  ``PixelRedaction.Workers``; default one per core).

Each run sends the files with K ``storescu -aec ORTHANC`` processes over K
contiguous chunks. Figures:

- ingest instances/s, plugin off vs on (first association opened -> last one closed);
- plugin on: seconds until every original is final and the plugin's queue is idle
  (from the first send), copies/s, p50/p95 seconds per instance (each copy's
  ``RedactionReport`` ``seconds``) and per-instance latency (the copy's
  ``ReceptionDate`` minus the original's, 1 s resolution);
- peak RSS of Orthanc (``VmHWM``) and of its worker processes;
- ``/redaction/queue`` (queued, running, in_flight, changes_behind) and the RSS of
  Orthanc and the workers every second: a compact time series and maxima;
- memory against backlog: RSS while many originals wait vs while few do;
- exactly one copy per original (``RedactionSource`` on copies, ``RedactionCopy`` on
  originals).

A benchmark, not a test: exit 0 unless the measurement itself failed (a server that
did not start, files not stored, not all final before ``--deadline``).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib as bl
import loadgen

log = bl.make_log("load-bench")


# ---- runs ------------------------------------------------------------------------------
def run_off(
    workdir: Path, files: list[Path], args: argparse.Namespace, result: dict[str, Any]
) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    server = bl.start_orthanc(workdir, {"ORTHANC__PLUGINS": "[]"})
    result.update({"workdir": str(workdir), "log": str(server.log_path)})
    session = requests.Session()
    sampler: bl.Sampler | None = None
    senders: bl.Senders | None = None
    try:
        bl.wait_until_ready(server)
        plugins = [
            p
            for p in bl.get_json(session, server.url + "/plugins")
            if p != "explorer.js"
        ]
        result["plugins_loaded"] = plugins
        if plugins:
            log(f"warning: plugin-off run has plugins loaded: {plugins}")
        sampler = bl.Sampler(server, queue=False)
        sampler.start()
        log(f"plugin off: sending {len(files)} files ({args.concurrency} storescu)")
        senders = bl.Senders(server, files, args.concurrency, workdir).start()
        sampler.t0 = senders.t0 or time.perf_counter()
        codes = senders.wait()
        result["ingest"] = ingest_figures(senders, codes, len(files))
        time.sleep(1.5)
        result["stored"] = bl.count_instances(session, server.url)
        log(
            f"plugin off: ingest {senders.seconds:.2f} s, "
            f"{result['ingest']['instances_per_second']} instances/s, stored "
            f"{result['stored']}/{len(files)}"
        )
    finally:
        if senders is not None:
            senders.stop()
        if sampler is not None:
            sampler.stop()
            result["memory"] = sampler.memory()
            result["samples"] = sampler.samples
        result["orthanc_exit_code"] = bl.stop_orthanc(server)
        if not args.keep_storage:
            shutil.rmtree(workdir / "db", ignore_errors=True)


def run_on(
    workdir: Path,
    files: list[Path],
    uids: set[str],
    args: argparse.Namespace,
    result: dict[str, Any],
) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    env: dict[str, str] = {}
    if args.workers is not None:
        env["ORTHANC__PIXEL_REDACTION__WORKERS"] = str(args.workers)
    server = bl.start_orthanc(workdir, env)
    result.update({"workdir": str(workdir), "log": str(server.log_path)})
    session = requests.Session()
    sampler: bl.Sampler | None = None
    senders: bl.Senders | None = None
    try:
        started = time.monotonic()
        bl.wait_until_ready(server)
        health = bl.wait_plugin_ready(session, server, args.ready_deadline, log)
        result["plugin_ready_seconds"] = round(time.monotonic() - started, 1)
        result["workers"] = health.get("workers")
        queue0 = bl.queue_state(session, server.url) or {}
        log(
            f"plugin on: ready after {result['plugin_ready_seconds']} s "
            f"({health.get('workers_alive')}/{health.get('workers')} workers)"
        )
        sampler = bl.Sampler(server, queue=True)
        sampler.start()
        log(f"plugin on: sending {len(files)} files ({args.concurrency} storescu)")
        senders = bl.Senders(server, files, args.concurrency, workdir).start()
        t0 = senders.t0 or time.perf_counter()
        sampler.t0 = t0
        codes = senders.wait()
        result["ingest"] = ingest_figures(senders, codes, len(files))
        t_ingest = time.perf_counter() - t0
        log(
            f"plugin on: ingest {senders.seconds:.2f} s, "
            f"{result['ingest']['instances_per_second']} instances/s"
        )
        expected = result["ingest"]["acknowledged"] or len(files)
        t_all = follow(server, sampler, expected, t0, args)
        result["seconds_until_all_final"] = rnd(t_all, 1)
        time.sleep(2)
        sampler.stop()
        result["memory"] = sampler.memory()
        samples = [s for s in sampler.samples if s["t"] >= -5]
        result["samples"] = samples
        result["queue_errors"] = sampler.errors
        log("plugin on: checking every instance (statuses, copies, reports)")
        result["redaction"] = summarize(
            session, server, uids, samples, t_all, t_ingest, queue0
        )
        result["memory_vs_backlog"] = memory_vs_backlog(samples)
        result["bounded"] = bounded(samples, queue0)
        log("plugin on: searching everything the plugin wrote for identity values")
        result["phi_grep"] = phi_grep(session, server, files)
    finally:
        if senders is not None:
            senders.stop()
        if sampler is not None and sampler.is_alive():
            sampler.stop()
            result.setdefault("memory", sampler.memory())
        result["orthanc_exit_code"] = bl.stop_orthanc(server)
        if not args.keep_storage:
            shutil.rmtree(workdir / "db", ignore_errors=True)


def identity_values(files: list[Path]) -> set[str]:
    """Names (each part of 4+ letters), IDs, accession numbers and birth dates of
    the patients in the load set, read from the files' headers."""
    import pydicom

    values: set[str] = set()
    for path in files:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        for keyword in ("PatientName", "ReferringPhysicianName", "OperatorsName"):
            for part in str(ds.get(keyword, "") or "").replace("^", " ").split():
                if len(part) >= 4:
                    values.add(part.upper())
        for keyword in (
            "PatientID",
            "AccessionNumber",
            "PatientBirthDate",
            "OtherPatientIDs",
        ):
            value = str(ds.get(keyword, "") or "").strip()
            if len(value) >= 6:
                values.add(value.upper())
    return values


def phi_grep(
    session: requests.Session, server: Any, files: list[Path]
) -> dict[str, Any]:
    """Search the Orthanc log, every Redaction* attachment and metadata value, the
    plugin's queue, jobs, health and metrics for every identity value of the set."""
    values = identity_values(files)
    texts: list[str] = [Path(server.log_path).read_text(errors="replace")]
    instances = session.get(server.url + "/instances", timeout=60).json()
    attachments = 0
    for instance in instances:
        meta = session.get(
            f"{server.url}/instances/{instance}/metadata?expand", timeout=60
        ).json()
        texts.append(
            " ".join(str(v) for k, v in meta.items() if k.startswith("Redaction"))
        )
        for name in session.get(
            f"{server.url}/instances/{instance}/attachments", timeout=60
        ).json():
            if name.startswith("Redaction"):
                attachments += 1
                texts.append(
                    session.get(
                        f"{server.url}/instances/{instance}/attachments/{name}/data",
                        timeout=60,
                    ).text
                )
    for route in (
        "/redaction/queue",
        "/redaction/jobs",
        "/redaction/health",
        "/tools/metrics-prometheus",
    ):
        texts.append(session.get(server.url + route, timeout=60).text)
    haystack = "\n".join(texts).upper()
    # Whole words only: a name like "INES" is not a hit inside "LINES".
    hits = sorted(
        v
        for v in values
        if re.search(rf"(?<![A-Z0-9]){re.escape(v)}(?![A-Z0-9])", haystack)
    )
    return {
        "identity_values": len(values),
        "log_bytes": len(texts[0]),
        "attachments_searched": attachments,
        "instances_searched": len(instances),
        "hits": len(hits),
        "hit_kinds": sorted(
            {"id" if any(c.isdigit() for c in h) else "name" for h in hits}
        ),
    }


def ingest_figures(
    senders: bl.Senders, codes: list[int | None], n: int
) -> dict[str, Any]:
    seconds = senders.seconds or 0.0
    if any(codes):
        log("warning: storescu failed:\n" + senders.error_tail())
    return {
        "seconds": round(seconds, 3),
        "instances_per_second": round(n / seconds, 2) if seconds else None,
        "associations": len(codes),
        "exit_codes": codes,
        "acknowledged": len(senders.acknowledged()),
        "logs": [str(p) for p in senders.logs],
    }


def follow(
    server: bl.OrthancServer,
    sampler: bl.Sampler,
    n: int,
    t0: float,
    args: argparse.Namespace,
) -> float | None:
    """Wait until ``n`` originals are final and the queue is idle; seconds since t0."""
    last_print = -1e9
    seen = 0
    while True:
        time.sleep(0.5)
        rows = sampler.samples
        if len(rows) == seen:
            continue
        seen = len(rows)
        row = rows[-1]
        if row["t"] - last_print >= args.print_every:
            last_print = row["t"]
            log("progress " + format_row(row))
        finished = sum(int(row.get(k) or 0) for k in bl.FINAL)
        if "done" in row and finished >= n and bl.queue_idle(row):
            return float(row["t"])
        if server.process.poll() is not None:
            log(f"Orthanc exited ({server.process.returncode}): {server.log_path}")
            return None
        if time.perf_counter() - t0 > args.deadline:
            log(f"deadline of {args.deadline:.0f} s passed: {row}")
            return None


# ---- figures ---------------------------------------------------------------------------
def rnd(value: float | None, digits: int = 3) -> float | None:
    return bl.rnd(value, digits)


def summarize(
    session: requests.Session,
    server: bl.OrthancServer,
    uids: set[str],
    samples: list[dict[str, Any]],
    t_all: float | None,
    t_ingest: float,
    queue0: dict[str, Any],
) -> dict[str, Any]:
    inv = bl.inventory(session, server.url, uids)
    status = collections.Counter(
        e["meta"].get("RedactionStatus", "none") for e in inv.originals.values()
    )
    reasons = collections.Counter(
        f"{e['meta'].get('RedactionStatus')}: {e['meta'].get('RedactionReason', '?')}"
        for e in inv.originals.values()
        if e["meta"].get("RedactionStatus") in ("failed", "skipped")
    )
    copies_of = inv.copies_of()
    done = [
        i
        for i, e in inv.originals.items()
        if e["meta"].get("RedactionStatus") == "done"
    ]
    duplicates = {o: c for o, c in copies_of.items() if len(c) > 1}
    done_without = [i for i in done if i not in copies_of]
    mismatched = [
        i
        for i in done
        if i in copies_of
        and inv.originals[i]["meta"].get("RedactionCopy") not in copies_of[i]
    ]
    not_done_with_copy = [
        o for o in copies_of if o in inv.originals and o not in set(done)
    ]
    orphans = [o for o in copies_of if o not in inv.originals]
    seconds: list[float] = []
    latency: list[float] = []
    missing_report = 0
    for copy, entry in inv.copies.items():
        report = bl.report_attachment(session, server.url, copy)
        if report is None:
            missing_report += 1
        elif isinstance(report.get("seconds"), (int, float)):
            seconds.append(float(report["seconds"]))
        source = inv.originals.get(entry["meta"]["RedactionSource"])
        if source is not None:
            a = bl.parse_orthanc_time(source["meta"].get("ReceptionDate"))
            b = bl.parse_orthanc_time(entry["meta"].get("ReceptionDate"))
            if a is not None and b is not None:
                latency.append(b - a)
    final = sum(status.get(k, 0) for k in bl.FINAL)
    after = None
    if t_all is not None:
        done_at_ingest = max(
            (int(s.get("done") or 0) for s in samples if s["t"] <= t_ingest),
            default=0,
        )
        drain = t_all - t_ingest
        after = {
            "seconds_after_ingest": rnd(drain, 1),
            "copies_after_ingest": len(done) - done_at_ingest,
            "copies_per_second_after_ingest": (
                rnd((len(done) - done_at_ingest) / drain, 3) if drain > 0 else None
            ),
        }
    one_copy = (
        not (duplicates or done_without or mismatched or not_done_with_copy or orphans)
        and not inv.unlabelled
        and len(done) == len(copies_of)
    )
    return {
        "originals": len(inv.originals),
        "expected_originals": len(uids),
        "copies": len(inv.copies),
        "unlabelled": len(inv.unlabelled),
        "statuses": dict(status),
        "all_final": final == len(inv.originals) == len(uids),
        "reasons": dict(reasons),
        "seconds_until_all_final": rnd(t_all, 1),
        "copies_per_second": rnd(len(done) / t_all, 3) if t_all else None,
        **(after or {}),
        "per_instance_seconds": spread(seconds),
        "latency_seconds": spread(latency),
        "reports_missing": missing_report,
        "exactly_one_copy_per_original": one_copy,
        "duplicate_copies": duplicates,
        "done_without_copy": done_without,
        "copy_link_mismatch": mismatched,
        "copies_of_not_done": not_done_with_copy,
        "copies_of_unknown_originals": orphans,
        "worker_restarts": max(
            (int(s.get("worker_restarts") or 0) for s in samples), default=0
        )
        - int(queue0.get("worker_restarts") or 0),
    }


def spread(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": rnd(bl.percentile(values, 50)),
        "p95": rnd(bl.percentile(values, 95)),
        "mean": rnd(statistics.fmean(values)) if values else None,
        "max": rnd(max(values, default=None)),
    }


def memory_vs_backlog(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """RSS while the backlog is high vs low (after the first send).

    Backlog: originals stored but not final yet (``not_final``: Orthanc's instance
    count minus copies minus final originals), which is what ``changes_behind`` +
    ``in_flight`` would show if the plugin re-read the change log every second.
    """
    rows = [
        s
        for s in samples
        if s["t"] >= 0 and "not_final" in s and s.get("orthanc_rss_mib") is not None
    ]
    if not rows:
        return {}
    peak = max(s["not_final"] for s in rows)
    low_limit = max(5, int(0.1 * peak))
    groups = {
        "low": [s for s in rows if s["not_final"] <= low_limit],
        "high": [s for s in rows if s["not_final"] >= 0.5 * peak],
    }
    out: dict[str, Any] = {
        "backlog_peak": peak,
        "changes_behind_peak": max(int(s.get("changes_behind") or 0) for s in rows),
        "log_behind_peak": max(int(s.get("log_behind") or 0) for s in rows),
        "low_backlog_limit": low_limit,
    }
    for name, group in groups.items():
        out[name] = {
            "samples": len(group),
            "backlog_mean": rnd(statistics.fmean(s["not_final"] for s in group), 1)
            if group
            else None,
            "changes_behind_max": max(
                (int(s.get("changes_behind") or 0) for s in group), default=None
            ),
            "orthanc_rss_mib_max": max(
                (s["orthanc_rss_mib"] for s in group), default=None
            ),
            "orthanc_rss_mib_median": rnd(
                statistics.median(s["orthanc_rss_mib"] for s in group), 1
            )
            if group
            else None,
            "workers_rss_mib_max": max(
                (s["workers_rss_mib"] for s in group), default=None
            ),
            "workers_rss_mib_median": rnd(
                statistics.median(s["workers_rss_mib"] for s in group), 1
            )
            if group
            else None,
        }
    # End of the run, backlog drained, vs the moment of the peak backlog.
    at_peak = max(rows, key=lambda s: s["not_final"])
    out["at_peak_backlog"] = {
        k: at_peak.get(k)
        for k in (
            "t",
            "not_final",
            "changes_behind",
            "orthanc_rss_mib",
            "workers_rss_mib",
        )
    }
    out["at_end"] = {
        k: rows[-1].get(k)
        for k in (
            "t",
            "not_final",
            "changes_behind",
            "orthanc_rss_mib",
            "workers_rss_mib",
        )
    }
    if len(rows) > 2:
        xs = [float(s["not_final"]) for s in rows]
        for key in ("orthanc_rss_mib", "workers_rss_mib"):
            ys = [float(s[key]) for s in rows]
            out[f"correlation_backlog_{key}"] = rnd(_pearson(xs, ys), 2)
    return out


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        return None


def bounded(samples: list[dict[str, Any]], queue0: dict[str, Any]) -> dict[str, Any]:
    rows = [s for s in samples if "in_flight" in s]
    cap = None
    workers = int(queue0.get("workers") or 0)
    if workers:
        cap = 2 * workers  # QueueSize 0 = 2 x workers (README)
    in_flight = max((s["in_flight"] for s in rows), default=0)
    queued_running = max((s["queued"] + s["running"] for s in rows), default=0)
    return {
        "in_flight_max": in_flight,
        "queued_plus_running_max": queued_running,
        "queue_cap_default": cap,
        "within_cap": cap is None or in_flight <= cap,
    }


# ---- report ----------------------------------------------------------------------------
ROW_HEAD = (
    f"{'t s':>7} {'stored':>7} {'queued':>6} {'run':>4} {'inflt':>5} {'behind':>6} "
    f"{'logbh':>6} {'notfin':>6} {'done':>5} {'fail':>4} {'Orth MiB':>8} "
    f"{'wrk MiB':>8}"
)


def format_row(s: dict[str, Any]) -> str:
    def v(key: str, width: int) -> str:
        value = s.get(key)
        return f"{'-' if value is None else value:>{width}}"

    return (
        f"{s['t']:>7.0f} {v('instances', 7)} {v('queued', 6)} {v('running', 4)} "
        f"{v('in_flight', 5)} {v('changes_behind', 6)} {v('log_behind', 6)} "
        f"{v('not_final', 6)} "
        f"{v('done', 5)} {v('failed', 4)} {v('orthanc_rss_mib', 8)} "
        f"{v('workers_rss_mib', 8)}"
    )


def series(samples: list[dict[str, Any]], every: float) -> list[dict[str, Any]]:
    """One sample per ``every`` seconds (the first at or after each mark), plus the
    last one."""
    out: list[dict[str, Any]] = []
    mark = 0.0
    for s in samples:
        if s["t"] >= mark:
            out.append(s)
            while mark <= s["t"]:
                mark += every
    if samples and (not out or samples[-1]["t"] - out[-1]["t"] >= 1):
        out.append(samples[-1])
    return out


def _f(value: Any, spec: str = ".2f") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def print_report(figures: dict[str, Any], every: float) -> None:
    off = figures["runs"].get("off", {})
    on = figures["runs"].get("on", {})
    io_, ii = off.get("ingest", {}), on.get("ingest", {})
    mo, mi = off.get("memory", {}), on.get("memory", {})
    print()
    print(
        f"Load of {figures['n']} instances ({figures['megabytes']} MB, "
        f"{figures['set']}) over {figures['concurrency']} storescu associations; "
        f"{figures['cores']} cores, {on.get('workers', '-')} workers; commit "
        f"{figures['repository']['commit']}"
        + (" with plugin/ modified" if figures["repository"]["plugin_modified"] else "")
    )
    print(f"{'':28}{'plugin off':>12}{'plugin on':>12}")
    for label, a, b in (
        ("ingest seconds", io_.get("seconds"), ii.get("seconds")),
        (
            "ingest instances/s",
            io_.get("instances_per_second"),
            ii.get("instances_per_second"),
        ),
        ("stored", off.get("stored"), (on.get("redaction") or {}).get("originals")),
        (
            "Orthanc peak RSS MiB",
            mo.get("orthanc_peak_rss_mib"),
            mi.get("orthanc_peak_rss_mib"),
        ),
    ):
        print(f"{label:28}{_f(a):>12}{_f(b):>12}")
    if io_.get("instances_per_second") and ii.get("instances_per_second"):
        ratio = ii["instances_per_second"] / io_["instances_per_second"]
        print(f"{'ingest on/off':28}{'':>12}{100 * ratio:>11.1f}%")
    red = on.get("redaction")
    if not red:
        return
    pis, lat = red["per_instance_seconds"], red["latency_seconds"]
    print()
    print("Plugin on (times from the first send):")
    if red["seconds_until_all_final"] is not None:
        print(
            f"  every copy done after       {red['seconds_until_all_final']:.1f} s "
            f"({_f(red.get('seconds_after_ingest'), '.1f')} s after the ingest)"
        )
    else:
        print("  NOT every original final (deadline or Orthanc exited)")
    print(
        f"  copies/s                    {_f(red['copies_per_second'], '.3f')} overall, "
        f"{_f(red.get('copies_per_second_after_ingest'), '.3f')} after the ingest"
    )
    st = red["statuses"]
    print(
        "  statuses                    "
        + ", ".join(f"{k} {v}" for k, v in sorted(st.items()))
        + f"  ({red['originals']}/{red['expected_originals']} originals)"
    )
    for reason, n in sorted(red["reasons"].items()):
        print(f"    {reason}: {n}")
    print(
        f"  seconds per instance        p50 {_f(pis['p50'])}  p95 {_f(pis['p95'])}  "
        f"mean {_f(pis['mean'])}  max {_f(pis['max'])}  (n={pis['n']}, worker time "
        "from RedactionReport)"
    )
    print(
        f"  latency store -> copy       p50 {_f(lat['p50'], '.0f')}  p95 "
        f"{_f(lat['p95'], '.0f')}  max {_f(lat['max'], '.0f')} s (ReceptionDate, 1 s)"
    )
    print(
        f"  peak RSS                    Orthanc {_f(mi.get('orthanc_peak_rss_mib'), '.0f')}"
        f" MiB (off: {_f(mo.get('orthanc_peak_rss_mib'), '.0f')}), one worker "
        f"{_f(mi.get('worker_peak_rss_mib'), '.0f')} MiB, workers together "
        f"{_f(mi.get('workers_sampled_rss_sum_max_mib'), '.0f')} MiB (sampled)"
    )
    b = on.get("bounded", {})
    print(
        f"  queue max                   in_flight {b.get('in_flight_max')} (cap "
        f"{b.get('queue_cap_default')}), queued+running "
        f"{b.get('queued_plus_running_max')}, changes_behind "
        f"{on.get('memory_vs_backlog', {}).get('changes_behind_peak')} (the change "
        f"log's real tail: {on.get('memory_vs_backlog', {}).get('log_behind_peak')} "
        "entries)"
    )
    one = "yes" if red["exactly_one_copy_per_original"] else "NO"
    print(
        f"  exactly one copy/original   {one} ({red['copies']} copies; duplicates "
        f"{len(red['duplicate_copies'])}, done without copy "
        f"{len(red['done_without_copy'])}, link mismatch "
        f"{len(red['copy_link_mismatch'])}, copies of not-done "
        f"{len(red['copies_of_not_done'])}, unlabelled {red['unlabelled']}, "
        f"reports missing {red['reports_missing']})"
    )
    g = on.get("phi_grep") or {}
    if g:
        print(
            f"  PHI grep                    {g['hits']} hits for {g['identity_values']} "
            f"identity values in the Orthanc log ({g['log_bytes']} bytes), "
            f"{g['attachments_searched']} Redaction* attachments, metadata of "
            f"{g['instances_searched']} instances, queue, jobs, health, metrics"
        )
    mb = on.get("memory_vs_backlog") or {}
    if mb:
        print()
        print(
            "Memory vs backlog (backlog = originals stored, not final; samples after "
            "the first send):"
        )
        for name, label in (
            ("high", ">= 50% of peak"),
            ("low", f"<= {mb['low_backlog_limit']}"),
        ):
            g = mb[name]
            print(
                f"  backlog {label:16} {g['samples']:>4} samples, mean backlog "
                f"{_f(g['backlog_mean'], '.0f')}: Orthanc RSS max "
                f"{_f(g['orthanc_rss_mib_max'], '.0f')} MiB (median "
                f"{_f(g['orthanc_rss_mib_median'], '.0f')}), workers max "
                f"{_f(g['workers_rss_mib_max'], '.0f')} MiB (median "
                f"{_f(g['workers_rss_mib_median'], '.0f')})"
            )
        p, e = mb["at_peak_backlog"], mb["at_end"]
        print(
            f"  at the peak backlog ({p['not_final']} waiting, t={p['t']:.0f} s): "
            f"Orthanc {p['orthanc_rss_mib']} MiB, workers {p['workers_rss_mib']} MiB; "
            f"at the end ({e['not_final']} waiting): Orthanc {e['orthanc_rss_mib']} "
            f"MiB, workers {e['workers_rss_mib']} MiB"
        )
        print(
            f"  correlation backlog~RSS: Orthanc "
            f"{_f(mb.get('correlation_backlog_orthanc_rss_mib'))}, workers "
            f"{_f(mb.get('correlation_backlog_workers_rss_mib'))}"
        )
    print()
    print(
        f"Time series (every {every:.0f} s): stored = instances in Orthanc incl. "
        "copies; queued/run/inflt/behind = /redaction/queue queued, running, "
        "in_flight, changes_behind; logbh = Orthanc's newest change minus the "
        "plugin's saved cursor; notfin = originals stored and not final (estimate); "
        "MiB = RSS of Orthanc and of all workers"
    )
    print("  " + ROW_HEAD)
    for s in series(on.get("samples", []), every):
        print("  " + format_row(s))


# ---- main ------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="N instances over K storescu associations, plugin off vs on."
    )
    p.add_argument("--n", type=int, default=1000, help="instances (1000)")
    p.add_argument(
        "--concurrency", type=int, default=4, help="storescu associations (4)"
    )
    p.add_argument(
        "--workers", type=int, help="PixelRedaction.Workers (default: one per core)"
    )
    p.add_argument(
        "--set",
        help="load set folder (scripts/loadgen.py): reused when it matches, else "
        "generated there (default: <workdir>/set)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the generated set")
    p.add_argument("--json", metavar="FILE", help="write every figure as JSON")
    p.add_argument(
        "--print-every", type=float, default=30.0, help="time series step, s (30)"
    )
    p.add_argument(
        "--deadline",
        type=float,
        default=6 * 3600.0,
        help="seconds from the first send to wait for every copy (21600)",
    )
    p.add_argument(
        "--ready-deadline",
        type=float,
        default=900.0,
        help="seconds to wait for the plugin's workers before sending (900)",
    )
    p.add_argument("--skip-off", action="store_true", help="only the plugin-on run")
    p.add_argument("--workdir", help="folder for servers and logs (default: new temp)")
    p.add_argument(
        "--keep-storage", action="store_true", help="keep each server's storage"
    )
    args = p.parse_args(argv)
    if args.n < 1 or args.concurrency < 1:
        p.error("--n and --concurrency must be >= 1")
    if shutil.which("storescu") is None:
        p.error("storescu (DCMTK) is not installed")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = bl.work_folder(args.workdir, "load-bench-")
    log(f"work folder: {workdir}")
    set_dir = Path(args.set).resolve() if args.set else workdir / "set"
    manifest = loadgen.ensure(set_dir, args.n, seed=args.seed)
    entries = manifest["files"]
    files = [set_dir / e["path"] for e in entries]
    uids = {e["sop_instance_uid"] for e in entries}
    figures: dict[str, Any] = {
        "n": len(files),
        "set": str(set_dir),
        "set_summary": loadgen.summarize(entries),
        "megabytes": round(sum(e["bytes"] for e in entries) / 1e6, 1),
        "transfer_syntaxes": loadgen.SYNTAX_NOTE,
        "concurrency": args.concurrency,
        "cores": os.cpu_count(),
        "repository": bl.repo_state(),
        "workdir": str(workdir),
        "runs": {},
    }
    status = 0
    try:
        if not args.skip_off:
            figures["runs"]["off"] = {}
            run_off(workdir / "plugin-off", files, args, figures["runs"]["off"])
            if figures["runs"]["off"].get("stored") != len(files):
                status = 1
        figures["runs"]["on"] = {}
        run_on(workdir / "plugin-on", files, uids, args, figures["runs"]["on"])
        red = figures["runs"]["on"].get("redaction") or {}
        if not red.get("all_final") or red.get("originals") != len(files):
            status = 1
    except KeyboardInterrupt:
        log("interrupted; servers stopped")
        status = 130
    finally:
        if args.json:
            bl.dump_json(args.json, figures)
            log(f"figures written to {args.json}")
    print_report(figures, args.print_every)
    return status


if __name__ == "__main__":
    sys.exit(main())
