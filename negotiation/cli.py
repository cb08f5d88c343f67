"""The command line: parse arguments, call library functions, print what a person needs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from negotiation.common.errors import EXIT_INPUT, EXIT_OUTPUT, InputError, OutputError
from negotiation.common.limits import MAX_SEED, MAX_WORKERS
from negotiation.common.shipped import shipped_scenario

# From the installed package, not the current folder, so the default scenario plays from anywhere.
try:
    DEFAULT_SCENARIO = shipped_scenario()
except InputError as exc:  # an install without its data: one line saying how to mend it, not a traceback
    sys.exit(f"error: {exc.render()}")
DEFAULT_OUT = Path("outputs")
FORCE_HELP = "replace an earlier result of the same kind there (otherwise a folder that holds files is refused)"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def whole_number(minimum: int, maximum: int | None = None):
    """An argparse type: a whole number from `minimum` to `maximum`, with a plain message otherwise."""

    def parse(text: str) -> int:
        if len(text) > 30:  # int() of thousands of digits raises its own error; no count here needs 30
            raise argparse.ArgumentTypeError(f"{text[:20]}... is too long for a number here")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} must be {minimum} or more")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{value} must be {maximum:,} or less")
        return value

    return parse


positive_int = whole_number(1)
seed_int = whole_number(0, MAX_SEED)
workers_int = whole_number(1, MAX_WORKERS)
port_int = whole_number(1, 65535)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Trade-talks negotiation game: the 2025 US-China trade talks as an agent-based model. "
        "With no command, plays the default scenario.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="play one scenario and write its tables, story and plot")
    p.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="scenario YAML (default: %(default)s)")
    p.add_argument("--rounds", type=positive_int, help="rounds to play (default: the scenario's calendar)")
    p.add_argument("--seed", type=seed_int, default=1, help="random seed (default: %(default)s)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for results (default: %(default)s)")
    p.add_argument("--no-plot", action="store_true", help="skip the PNG plot")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check scenario files; exit 0 when all are valid")
    p.add_argument("files", nargs="+", help="scenario YAML files")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("tournament", help="play every pairing of strategies; write a table, a ranking and a heat map")
    p.add_argument("scenarios", nargs="*", default=[str(DEFAULT_SCENARIO)], help="scenario YAML files (default: the June 2025 one)")
    p.add_argument("--replicates", type=positive_int, default=10, help="runs per pairing and scenario (default: %(default)s)")
    p.add_argument("--seed", type=seed_int, default=1, help="root of the seed tree (default: %(default)s)")
    p.add_argument("--strategies", help="comma-separated strategy names (default: every registered strategy)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT / "tournament",
                   help="folder for results, as for batch and sweep (default: %(default)s)")
    p.add_argument("--workers", type=workers_int, default=1, help="worker processes (default: %(default)s)")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=cmd_tournament)

    p = sub.add_parser("batch", help="replicates of one scenario, in parallel, streamed to a table")
    p.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="scenario YAML (default: %(default)s)")
    p.add_argument("--runs", type=positive_int, default=100, help="replicates (default: %(default)s)")
    p.add_argument("--seed", type=seed_int, default=1, help="root of the seed tree (default: %(default)s)")
    p.add_argument("--rounds", type=positive_int, help="rounds per run (default: the scenario's calendar)")
    add_execution_options(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("sweep", help="a designed experiment over scenario parameters (see scenarios/sweeps/)")
    p.add_argument("spec", help="sweep YAML file")
    add_execution_options(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("analyze", help="what drives a deal, an escalation, a lapse: indices, plots and a report")
    p.add_argument("folder", type=Path, help="a sweep or batch output folder")
    p.add_argument("--force", action="store_true", help="replace an earlier analysis/ of this folder")
    p.set_defaults(func=cmd_analyze)

    add_calibration_commands(sub)  # backtest, calibrate, discover (issue 12)

    p = sub.add_parser("briefs", help="a confidential role brief for every seat, as Markdown and printable HTML")
    p.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="scenario YAML (default: %(default)s)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT / "briefs", help="folder for the briefs (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="replace earlier briefs there (of this scenario or another)")
    p.set_defaults(func=cmd_briefs)

    p = sub.add_parser("debrief", help="one self-contained HTML report of a run, played or simulated, for the class")
    p.add_argument("run_dir", type=Path, help="a run's output folder (from `run`, or a played session)")
    p.add_argument("--scenario", type=Path, help="the scenario file, if it has moved since the run")
    p.set_defaults(func=cmd_debrief)

    p = sub.add_parser("play", help="play a scenario at the terminal: people take seats, bots fill the rest")
    p.add_argument("scenario", nargs="?", help=f"scenario YAML (default: {DEFAULT_SCENARIO})")
    p.add_argument("--seat", action="append", default=[], help="a government (US) or its leader (US-Trump); "
                   "repeat it for several people taking turns on one terminal")
    p.add_argument("--seed", type=seed_int, help="random seed (default: 1)")
    p.add_argument("--rounds", type=positive_int, help="rounds to play (default: the scenario's calendar)")
    p.add_argument("--lesson", type=Path, help="a lesson file scheduling injects by round (see docs/teaching.md)")
    p.add_argument("--instructor", action="store_true", help="before each round, offer the instructor the scenario's injects")
    p.add_argument("--open-information", action="store_true",
                   help="show each seat the other side's values too (by default each side sees only its own)")
    p.add_argument("--out", type=Path, help=f"folder for the session's folder (default: {DEFAULT_OUT})")
    p.add_argument("--resume", type=Path, metavar="TRANSCRIPT", help="continue a saved session (its transcript.json)")
    p.add_argument("--no-plot", action="store_true", help="skip the PNG plot at the end")
    p.add_argument("--remote", action="append", default=[], metavar="SEAT",
                   help="play this seat (or 'instructor') from another terminal on this machine: the game prints "
                   "a `join` command for it (127.0.0.1 only)")
    p.add_argument("--port", type=port_int, help="with --remote: the port on 127.0.0.1 (default: any free one)")
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("join", help="play a seat of a game started in another terminal on this machine (play --remote)")
    p.add_argument("address", help="the address the game printed, 127.0.0.1:PORT")
    p.add_argument("--code", required=True, help="the seat's code the game printed")
    p.set_defaults(func=cmd_join)

    p = sub.add_parser("replay", help="replay a played session exactly, or from a round on with bots or new choices")
    p.add_argument("transcript", type=Path, help="a session's transcript.json")
    p.add_argument("--from", dest="from_round", type=positive_int, metavar="ROUND",
                   help="replay only the answers given before ROUND; from ROUND on the people play again (or the bots)")
    p.add_argument("--bots", action="store_true", help="with --from: the scenario's bots take the human seats from ROUND on")
    p.add_argument("--out", type=Path, help="folder for the replay's folder (default: beside the session's)")
    p.add_argument("--no-plot", action="store_true", help="skip the PNG plot")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("ui", help="serve the classroom page (Solara, with Mesa's run controls) on 127.0.0.1")
    p.add_argument("scenario", nargs="?", default="june_2025_call", help="a shipped scenario's name or a YAML file")
    p.add_argument("--port", type=port_int, default=8765, help="port on 127.0.0.1 (default: %(default)s)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also answer requests addressed to this host name (by default only 127.0.0.1, localhost "
                   "and ::1, so that no other site can reach the page through DNS rebinding)")
    p.set_defaults(func=cmd_ui)

    p = sub.add_parser("strategies", help="list the strategies a scenario may name, with their parameters")
    p.set_defaults(func=cmd_strategies)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files (for editors)")
    p.add_argument("--out", type=Path, help="write it to this file instead of printing it")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    if argv and argv[0] not in commands and not argv[0].startswith("-") and not looks_like_a_file(argv[0]):
        from negotiation.scenario import nearest

        print(f"error: {argv[0]!r} is neither a command nor a scenario file ({nearest(argv[0], list(commands))}; "
              "a scenario file ends in .yaml)", file=sys.stderr)
        return EXIT_INPUT
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help")):
        argv = ["run", *argv]  # no command: play a scenario (the default one unless named)
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except InputError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return EXIT_INPUT
    except OutputError as exc:  # an output folder that cannot be written, a full disk
        print(f"error: {exc.render()}", file=sys.stderr)
        return EXIT_OUTPUT
    except OSError as exc:  # the same, from a library that writes on its own (Parquet, a plot)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def looks_like_a_file(word: str) -> bool:
    """Is a first argument that is no command meant as a scenario file (`run.py my.yaml`), not a mistyped command?"""
    return word.endswith((".yaml", ".yml")) or "/" in word or Path(word).exists()


# ----------------------------------------------------------------------------- commands


def cmd_run(args) -> int:
    from negotiation.common.files import check_target
    from negotiation.results import run
    from negotiation.results.writing import RUN_PATTERNS, write_run_folder
    from negotiation.scenario import load_scenario
    from negotiation.scenario.checks import check_rounds

    scenario = load_scenario(args.scenario)
    check_rounds(scenario, args.rounds)
    name = f"{scenario.name}-seed{args.seed}" + (f"-rounds{args.rounds}" if args.rounds else "")
    check_target(args.out / name, args.force, "a run's results", RUN_PATTERNS)  # before the run, not after
    result = run(scenario, seed=args.seed, rounds=args.rounds, source=str(Path(args.scenario).resolve()))
    folder = write_run_folder(result, args.out / name, plot=not args.no_plot, force=args.force)
    print(summary_text(result))
    print(f"\nWrote {folder}/: rounds.csv (per-round table), summary.json, story.md (the full story), "
          f"log.csv, manifest.json" + ("" if args.no_plot else ", run.png"))
    return 0


def cmd_validate(args) -> int:
    from negotiation.scenario import load_scenario

    failed = 0
    for name in args.files:
        try:
            s = load_scenario(name)
        except InputError as exc:
            failed += 1
            print(f"error: {exc.render()}", file=sys.stderr)
            continue
        print(f"ok: {name}: {s.name} ({len(s.governments)} governments, {len(s.officials)} officials, "
              f"{len(s.instruments)} instruments, {s.calendar.rounds} rounds of {s.calendar.round_days} days)")
    return EXIT_INPUT if failed else 0


def add_execution_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=workers_int, default=1, help="worker processes (default: %(default)s)")
    p.add_argument("--backend", choices=["serial", "pool", "dask"],
                   help="serial, a local process pool, or Dask (default: serial for 1 worker, pool for more; "
                   "dask when --scheduler is given)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--resume", action="store_true", help="continue an interrupted sweep in --out")
    p.add_argument("--force", action="store_true", help="replace an earlier sweep's or batch's results in --out")
    p.add_argument("--csv", action="store_true", help="also write the tables as CSV")
    p.add_argument("--chunk", type=positive_int, help="runs per task (default: chosen from the sweep's size)")
    p.add_argument("--out", type=Path, required=True, help="folder for results")


def execute_sweep(sweep, args) -> int:
    from negotiation.experiments.runner import check_scheduler, execute, tqdm_progress

    backend = args.backend or ("dask" if args.scheduler else "pool" if args.workers > 1 else "serial")
    if args.scheduler and backend != "dask":
        raise InputError("--scheduler", "a scheduler address needs the dask backend")
    if args.scheduler:
        check_scheduler(args.scheduler)
    if args.force and args.resume:
        raise InputError("--force", "--force starts the sweep afresh and --resume continues it: give one of them")
    points = len(sweep.points())
    total = points * sweep.spec.replicates
    print(f"{sweep.spec.name}: {plural(points, 'design point')} x {plural(sweep.spec.replicates, 'replicate')} = "
          f"{plural(total, 'run')} of "
          f"{sweep.rounds} rounds; backend {backend}, {args.workers} worker(s); results in {args.out}/", flush=True)
    try:
        outcome = execute(sweep, args.out, backend, args.workers, args.scheduler, args.resume, args.csv, args.chunk,
                          progress=tqdm_progress, force=args.force)
    except KeyboardInterrupt:
        from negotiation.experiments.runner import done_chunks

        print(f"\ninterrupted: {len(done_chunks(args.out))} chunks are saved in {args.out}/; "
              f"continue with the same command and --resume", file=sys.stderr)
        return 130
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    rate = (outcome.runs - outcome.skipped) / outcome.seconds if outcome.seconds > 0 else float("nan")
    print(f"{outcome.runs} runs ({outcome.skipped} already done, {outcome.errors} errors) in {outcome.seconds:.1f} s, "
          f"{rate:.0f} runs/s")
    print(f"Wrote {args.out}/: runs.parquet (one row per run)" + (", rounds.parquet" if sweep.spec.keep_rounds else "")
          + (", CSV copies" if args.csv else "") + ", manifest.json, parts/ (per chunk, for --resume)")
    from negotiation.experiments.runner import outcome_line

    if (args.out / "runs.parquet").is_file():
        print(outcome_line(args.out))
    print(f"Next: python run.py analyze {args.out}")
    return 0


def cmd_batch(args) -> int:
    from negotiation.experiments.sweeps import Sweep, SweepError, SweepSpec
    from negotiation.scenario import load_scenario, validate_mapping
    from negotiation.scenario.checks import check_rounds

    scenario = load_scenario(args.scenario)
    check_rounds(scenario, args.rounds)
    spec = validate_mapping(SweepSpec, {"name": f"batch-{scenario.name}", "scenario": str(args.scenario),
                                        "rounds": args.rounds, "seed": args.seed, "replicates": args.runs},
                            "batch", SweepError)
    return execute_sweep(Sweep(spec, scenario, str(args.scenario), str(Path(args.scenario).resolve())), args)


def cmd_sweep(args) -> int:
    from negotiation.experiments.sweeps import load_sweep

    return execute_sweep(load_sweep(args.spec), args)


def cmd_analyze(args) -> int:
    from negotiation.experiments.sensitivity import analyze

    report = analyze(args.folder, force=args.force)
    print(report.text)
    print(f"\nWrote {args.folder}/analysis/: " + ", ".join(p.name for p in report.files))
    return 0


def progress_bar(total: int, unit: str):
    """A tqdm bar on a terminal (count, rate, time left); nothing when output is not a terminal."""
    from tqdm import tqdm

    return lambda it: tqdm(it, total=total, unit=unit, disable=not sys.stderr.isatty(), file=sys.stderr)


TOURNAMENT_PATTERNS = ("runs.csv", "pairings.csv", "ranking.csv", "heatmap-*.png", "manifest.json")


def cmd_tournament(args) -> int:
    from negotiation.common.files import check_target, result_folder, write_atomic
    from negotiation.common.jsontext import dumps
    from negotiation.experiments.tournament import heatmap, ranking_text, tournament
    from negotiation.results import rows_to_csv
    from negotiation.scenario import load_scenario, nearest
    from negotiation.strategies import STRATEGIES

    paths = list(dict.fromkeys(str(Path(p).resolve()) for p in args.scenarios))  # each scenario once
    scenarios = [load_scenario(path) for path in paths]
    if len({s.name for s in scenarios}) < len(scenarios):
        raise InputError("tournament", "two scenario files share a name: their results would be mixed")
    names = None
    if args.strategies is not None:
        names = list(dict.fromkeys(n.strip() for n in args.strategies.split(",") if n.strip()))
        if not names:
            raise InputError("--strategies", f"name at least one strategy ({', '.join(sorted(STRATEGIES))})")
        for n in names:
            if n not in STRATEGIES:
                raise InputError("--strategies", f"unknown strategy {n!r} ({nearest(n, sorted(STRATEGIES))})")
    folder = args.out
    what = "a tournament's results"
    check_target(folder, args.force, what, TOURNAMENT_PATTERNS)  # before the tournament, not after
    count = len(names or STRATEGIES) ** 2 * args.replicates * len(scenarios)
    result = tournament(scenarios, names, args.replicates, args.seed, progress=progress_bar(count, "run"),
                        workers=args.workers)
    from negotiation.results import manifest

    info = {
        "kind": "tournament",
        "seed": args.seed,
        "replicates": args.replicates,
        "strategies": list(result.strategies),
        "scenarios": [manifest(s, args.seed, s.calendar.rounds, source=p) for s, p in zip(scenarios, paths)],
    }
    with result_folder(folder, force=args.force, what=what, patterns=TOURNAMENT_PATTERNS, marker="manifest.json") as tmp:
        write_atomic(tmp / "runs.csv", rows_to_csv(result.runs))
        write_atomic(tmp / "pairings.csv", rows_to_csv(result.pairings))
        write_atomic(tmp / "ranking.csv", rows_to_csv(result.ranking))
        for scenario in scenarios:
            write_atomic(tmp / f"heatmap-{scenario.name}.png", heatmap(result, scenario))
        write_atomic(tmp / "manifest.json", dumps(info, indent=2) + "\n")
    seats = ", ".join(f"{s.name}: seat A {s.governments[0].name}, seat B {s.governments[1].name}" for s in scenarios)
    print(f"Tournament: {plural(len(result.strategies), 'strategy').replace('strategys', 'strategies')}, every pairing, "
          f"{plural(args.replicates, 'replicate')} each ({plural(len(result.runs), 'run')}; {seats}); seed {args.seed}; "
          "each strategy with its default parameters (`run.py strategies`)")
    print("score = mean utility over the rounds, averaged over both seats; se = its standard error over opponents; "
          "deals = share of runs with an agreement; rounds = mean rounds to the first agreement; "
          "nash = mean distance from the Nash point\n")
    print(ranking_text(result))
    print(f"\nWrote {folder}/: runs.csv (one row per run), pairings.csv, ranking.csv, "
          + ", ".join(f"heatmap-{s.name}.png" for s in scenarios) + ", manifest.json")
    return 0


def cmd_briefs(args) -> int:
    from negotiation.scenario import load_scenario
    from negotiation.teaching.briefs import write_briefs

    scenario = load_scenario(args.scenario)
    paths = write_briefs(scenario, args.out, force=args.force)
    seats = sorted({p.stem for p in paths if p.suffix == ".md"})
    print(f"{len(seats)} confidential briefs for {scenario.title}: {', '.join(seats)}")
    print(f"Wrote {args.out}/: one .md and one printable .html per seat, and index.html to open first")
    return 0


def cmd_debrief(args) -> int:
    from negotiation.teaching.debrief import write_debrief

    path = write_debrief(args.run_dir, scenario_file=args.scenario)
    print(f"Wrote {path} (open it in a browser; the pictures are also beside it as PNG files)")
    return 0


def cmd_play(args) -> int:
    from negotiation.teaching.play import resume, start

    if args.resume:
        given = [flag for flag, value in (("SCENARIO", args.scenario), ("--seat", args.seat), ("--seed", args.seed),
                 ("--rounds", args.rounds), ("--lesson", args.lesson), ("--instructor", args.instructor),
                 ("--out", args.out), ("--open-information", args.open_information), ("--remote", args.remote))
                 if value]
        if given:
            raise InputError("--resume", f"a resumed session keeps its own setup and folder; leave out {', '.join(given)}")
        return session_report(resume(args.resume, plot=not args.no_plot))
    if not args.seat:
        raise InputError("--seat", "name at least one seat to play, e.g. --seat US (a government) or --seat US-Trump (its leader)")
    options = {"seed": 1 if args.seed is None else args.seed, "rounds": args.rounds, "lesson_file": args.lesson,
               "instructor": args.instructor, "out": args.out or DEFAULT_OUT, "plot": not args.no_plot,
               "open_information": args.open_information}
    if args.remote:
        from negotiation.teaching.play import start_with_remote

        end = start_with_remote(args.scenario or DEFAULT_SCENARIO, args.seat, args.remote, port=args.port or 0,
                                **options)
    else:
        end = start(args.scenario or DEFAULT_SCENARIO, args.seat, **options)
    return session_report(end)


def cmd_join(args) -> int:
    from negotiation.teaching.remote import join

    return join(args.address, args.code)


def cmd_replay(args) -> int:
    from negotiation.teaching.play import replay, same_files

    end = replay(args.transcript, out=args.out, from_round=args.from_round, bots=args.bots, plot=not args.no_plot)
    code = session_report(end)
    same = same_files(args.transcript.parent, end.folder) if end.result is not None else None
    if same is not None:
        print(f"Compared with {args.transcript.parent}/: rounds.csv, log.csv and story.md are "
              + ("byte for byte the same." if same else "different."))
    return code


def session_report(end) -> int:
    """Print how a session ended: its summary and files, or how to resume it."""
    if end.paused:
        print(end.message)
        return 130 if end.interrupted else 0
    print(summary_text(end.result))
    fired = end.result.manifest.get("session", {}).get("injects", [])
    print("Injects fired: " + ("; ".join(f"round {i['round']} {i['name']} (by the {i['by']})" for i in fired)
                               if fired else "none"))
    print(f"\n{end.message}" + ("" if not (end.folder / "run.png").exists() else ", run.png"))
    print(f"Next: python run.py debrief {end.folder}")
    return 0


def cmd_ui(args) -> int:
    import importlib.util
    import os
    import re

    from negotiation.common.shipped import shipped_scenarios
    from negotiation.scenario import load_scenario

    if importlib.util.find_spec("solara") is None:
        raise InputError("ui", "the page needs the UI packages: pip install -e '.[ui]'")
    for host in args.allow_host:
        if not re.fullmatch(r"[A-Za-z0-9.\-]{1,253}|\[?[0-9A-Fa-f:]{2,39}\]?", host):
            raise InputError("--allow-host", f"{host!r} is not a host name")
    scenario = args.scenario
    if scenario not in shipped_scenarios():
        scenario = str(Path(scenario).resolve())
        load_scenario(scenario)  # a bad file fails here, with one message, not in the browser
    env = {**os.environ, "NEGOTIATION_SCENARIO": scenario, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "NEGOTIATION_ALLOWED_HOSTS": ",".join(args.allow_host)}
    print(f"Serving the classroom page for {scenario} at http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", flush=True)
    cmd = [sys.executable, "-m", "negotiation.web.server", "--port", str(args.port)]
    # Become the server rather than start it as a child: stopping this process then stops the page
    # (a child left behind would keep the port and the CPU after the parent is terminated).
    os.execve(sys.executable, cmd, env)


def cmd_strategies(args) -> int:
    from negotiation.strategies import STRATEGIES

    for name, cls in sorted(STRATEGIES.items()):
        traits = [
            "stochastic" if cls.stochastic else "deterministic",
            "concedes" if cls.concedes else "never concedes",
            "retaliates" if cls.retaliates else "never retaliates",
        ]
        print(f"{name}  ({', '.join(traits)})")
        print(f"    {(cls.__doc__ or '').strip().splitlines()[0]}")
        print(f"    memory: {cls.memory}")
        for pname, field in cls.Params.model_fields.items():
            default = f"{field.default:.4g}" if isinstance(field.default, float) else repr(field.default)
            print(f"    {pname} = {default}: {field.description or ''}")
        print(f"    reference: {cls.reference}\n")
    return 0


def cmd_schema(args) -> int:
    from negotiation.common.jsontext import dumps
    from negotiation.scenario import json_schema

    text = dumps(json_schema(), indent=2) + "\n"
    if args.out:
        from negotiation.common.files import refuse_existing_file, write_atomic

        refuse_existing_file(args.out, args.force, "the schema")
        write_atomic(args.out, text)
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


# ----------------------------------------------------------------------------- back-test, calibration, discovery (issue 12)


def add_calibration_commands(sub) -> None:
    p = sub.add_parser("backtest", help="score an ensemble of a scenario against an observed record (docs/observed.md)")
    p.add_argument("scenario", help="scenario YAML, e.g. scenarios/us_china_2025_jan.yaml")
    p.add_argument("--observed", required=True, type=Path, help="observed record CSV, e.g. scenarios/observed/us_china_2025_h1.csv")
    p.add_argument("--runs", type=positive_int, default=100, help="replicates (default: %(default)s)")
    p.add_argument("--seed", type=seed_int, default=1, help="root of the seed tree (default: %(default)s)")
    p.add_argument("--workers", type=workers_int, default=1, help="worker processes (default: %(default)s); results do not depend on it")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for results (default: %(default)s)")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=cmd_backtest)

    p = sub.add_parser("calibrate", help="fit scenario parameters to an observed record by ABC-SMC (pyabc)")
    p.add_argument("spec", help="calibration YAML file (see scenarios/calibration/)")
    p.add_argument("--workers", type=workers_int, default=1, help="worker processes for the local sampler (default: %(default)s)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786 (pyabc's Dask sampler)")
    p.add_argument("--resume", action="store_true", help="continue the calibration stored in the spec's database")
    p.add_argument("--out", type=Path, help="folder for results (default: outputs/calibrate-NAME)")
    p.add_argument("--force", action="store_true", help="replace an earlier calibration's results and database")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("discover", help="PRIM boxes: which inputs of a sweep lead to an outcome")
    p.add_argument("folder", type=Path, help="a sweep output folder (with runs.parquet)")
    p.add_argument("--outcome", required=True, help="deal_held, lapse, escalation_spiral, no_deal, or a true/false column of runs")
    p.add_argument("--threshold", type=float, default=0.8, help="the density a box must reach (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="replace an earlier discover/ of this folder and outcome")
    p.set_defaults(func=cmd_discover)


def cmd_backtest(args) -> int:
    from negotiation.common.files import check_target
    from negotiation.experiments.backtest import PATTERNS, backtest, write_backtest
    from negotiation.experiments.observed import load_observed
    from negotiation.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    bounds = {i.name: (i.min, i.max) for i in scenario.instruments}
    record = load_observed(args.observed, bounds)
    folder = args.out / f"backtest-{scenario.name}-seed{args.seed}-runs{args.runs}"
    check_target(folder, args.force, "a back-test's results", PATTERNS)  # before the runs, not after
    print(f"Back-test of {scenario.name}: {plural(args.runs, 'run')} of {scenario.calendar.rounds} rounds against "
          f"{args.observed} ({len(record.rows)} rows); {args.workers} worker(s)", flush=True)
    bt = backtest(scenario, record, args.runs, args.seed, args.workers, progress=progress_bar(args.runs, "run"))
    write_backtest(bt, folder, args.force, str(Path(args.scenario).resolve()), str(Path(args.observed).resolve()))
    from negotiation.experiments.backtest import report_text

    print(report_text(bt))
    print(f"Wrote {folder}/: scores.csv, rounds.csv (band and record per round), timing.csv, backtest.png, "
          "report.md, manifest.json")
    return 0


def cmd_calibrate(args) -> int:
    from negotiation.experiments.calibrate import calibrate, load_calibration

    cal = load_calibration(args.spec)
    if args.force and args.resume:
        raise InputError("--force", "--force starts the calibration afresh and --resume continues it: give one of them")
    if args.scheduler:
        from negotiation.experiments.runner import check_scheduler

        check_scheduler(args.scheduler)
    out = args.out or DEFAULT_OUT / f"calibrate-{cal.spec.name}"
    result = calibrate(cal, out, workers=args.workers, scheduler=args.scheduler, resume=args.resume, force=args.force,
                       echo=lambda line: print(line, flush=True))
    print(result.text)
    print(f"Wrote {out}/: posterior.csv, summary.csv, generations.csv, marginals.png, pairs.png (with two or more "
          f"parameters), {result.scenario_file.name} (the calibrated "
          "scenario), backtest/ (its in-sample back-test), report.md, manifest.json; the database is " + str(result.db))
    return 0


def cmd_discover(args) -> int:
    from negotiation.experiments.discover import discover

    report = discover(args.folder, args.outcome, threshold=args.threshold, force=args.force)
    print(report.text)
    print(f"\nWrote {report.folder}/: " + ", ".join(p.name for p in report.files))
    return 0


# ----------------------------------------------------------------------------- printing


def summary_text(result) -> str:
    """A few lines a teacher can read out: what happened, where things ended, who gained."""
    from negotiation.game.records import LogKind
    from negotiation.story import label, level_text, sentence

    s, summ = result.scenario, result.summary
    first, last = result.rows[0], result.rows[-1]
    lines = [f"{s.title}", f"{result.rounds} rounds of {s.calendar.round_days} days from {s.calendar.start}, seed {result.seed}", ""]
    lines.append("What happened:")
    headline = [e for e in result.log if e.kind in (LogKind.AGREEMENT, LogKind.EXPIRY, LogKind.DETECTION, LogKind.ACTION,
                                                    LogKind.VIOLATION)
                or (e.kind is LogKind.RATIFICATION and not e.data.get("ratified", True))]
    for e in headline[:14]:
        lines.append(f"  round {e.round:>2}: {sentence(e, s)}")
    if len(headline) > 14:
        lines.append(f"  ... and {len(headline) - 14} more (see story.md)")
    if not headline:
        lines.append("  no agreement, no expiry, no retaliation: talks went nowhere and levels held.")
    lines += ["", f"{'instrument':<44}{'start':>18}{'end':>20}"]
    for spec in s.instruments:
        a = level_text(s, spec.name, first[f"level_{spec.name}"])
        b = level_text(s, spec.name, last[f"level_{spec.name}"])
        lines.append(f"{label(spec):<44}{a:>18}{b:>20}")
    lines.append("")
    for g in s.governments:
        lines.append(f"{g.name:<8} utility {first[f'utility_{g.name}']:.3f} -> {last[f'utility_{g.name}']:.3f}; "
                     f"balance {last[f'balance_{g.name}']:+.1f} $bn/yr; escalations {summ[f'escalations_{g.name}']}, "
                     f"violations {summ[f'violations_{g.name}']} ({summ[f'detected_{g.name}']} detected)")
    lines.append(f"market stress {first['market_stress']:.2f} -> {last['market_stress']:.2f} (peak {summ['peak_market_stress']:.2f})")
    for a, b in result.pairs:
        tag = f"{a}_{b}"
        if summ[f"nash_distance_{tag}"] is None:
            lines.append(f"{a}-{b} bargaining: no package beats no deal for both at the start (empty zone of agreement)")
            continue
        lines.append(
            f"{a}-{b} bargaining, against the start's options: {summ[f'zone_share_{tag}']:.0%} of packages beat no deal "
            f"for both; the outcome's joint welfare {summ[f'joint_welfare_{tag}']:.3f} against {summ[f'nash_welfare_{tag}']:.3f} at the Nash "
            f"point; {summ[f'nash_distance_{tag}']:.3f} from the Nash point, {summ[f'frontier_distance_{tag}']:.3f} from the Pareto frontier"
        )
    return "\n".join(lines)
