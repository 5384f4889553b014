"""`gait insole ...`: simulate a board, monitor and record one, convert public recordings."""

from __future__ import annotations

import argparse
import sys
import time

from gait.errors import GaitError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "insole",
        help="pressure insole: record, monitor, simulate, convert",
        description="Work with the pressure insole: record or monitor a board over USB serial, "
        "simulate one on a pseudo-terminal, convert public insole recordings.",
    )
    sub = parser.add_subparsers(dest="insole_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "record",
        help="record a board to the insole CSV",
        description="Record frames from the insole board to a gait.insole/1 CSV as they arrive. "
        "Without --calibration the CSV holds raw ADC counts; with one it holds newtons and "
        "OUT_raw.csv beside it the raw counts. Ends after --duration, on Ctrl-C or when the "
        "board is unplugged; everything received is kept.",
    )
    _port_args(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv", help="CSV to write")
    p.add_argument("--duration", type=float, metavar="S", help="seconds to record (default: until Ctrl-C)")
    p.add_argument("--layout", metavar="FILE.json",
                   help="sensor layout (gait.insole-layout/1) to save beside the CSV")  # fmt: skip
    p.add_argument("--rate", type=int, metavar="HZ", help="ask the board for this sampling rate (100..1000)")
    p.set_defaults(func=_record)

    p = sub.add_parser(
        "monitor",
        help="show live load per foot, rate and frame loss",
        description="Show the live total load per foot (newtons with --calibration, else raw "
        "counts), the frame rate and lost frames, refreshed twice a second.",
    )
    _port_args(p)
    p.add_argument("--duration", type=float, metavar="S", help="seconds to run (default: until Ctrl-C)")
    p.set_defaults(func=_monitor)

    p = sub.add_parser(
        "simulate",
        help="play a recording as a board on a pseudo-terminal",
        description="Open a pseudo-terminal that behaves like the insole board and stream SRC "
        "at its real rate once a reader starts it. Prints the device path to open. Newton "
        "recordings are sent as counts through the inverse of --calibration, else as 10 "
        "counts per newton.",
    )
    p.add_argument("source", metavar="SRC",
                   help="insole recording: gait.insole CSV, gaitpdb or Moticon export")  # fmt: skip
    p.add_argument("--calibration", metavar="FILE.json", help="calibration whose inverse makes the counts")
    p.add_argument("--loop", action="store_true", help="repeat the recording")
    p.add_argument("--noise", type=float, default=0.0, metavar="P",
                   help="probability per frame of a burst of random bytes before it")
    p.add_argument("--drop", type=float, default=0.0, metavar="P",
                   help="probability per frame of dropping one of its bytes")
    p.add_argument("--unplug-after", type=float, metavar="S",
                   help="close the device S seconds into the stream")  # fmt: skip
    p.add_argument("--seed", type=int, default=0, help="random seed for the faults (default 0)")
    p.set_defaults(func=_simulate)

    p = sub.add_parser(
        "convert",
        help="convert a public insole recording to the insole CSV",
        description="Convert a PhysioNet gaitpdb walk or a Moticon OpenGo text export to a "
        "gait.insole/1 CSV with its layout (OUT_layout.json) beside it.",
    )
    p.add_argument("source", metavar="SRC", help="recording to convert")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="CSV to write")
    p.add_argument("--format", choices=("gaitpdb", "moticon"), help="source format (default: detect)")
    p.set_defaults(func=_convert)


def _port_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("port", metavar="PORT",
                   help="serial port (e.g. /dev/ttyUSB0, COM3) or 'auto' to find the board")  # fmt: skip
    p.add_argument("--calibration", metavar="FILE.json", help="per-sensor calibration to newtons")
    p.add_argument("--baud", type=int, default=1_000_000, help="baud rate (default 1000000, as the firmware)")


def _calibration(args):
    from gait.capture.calibration import load_calibration

    return load_calibration(args.calibration) if args.calibration else None


def _positive(value: float | None, name: str) -> None:
    if value is not None and value <= 0:
        raise GaitError(f"{name} must be positive")


def _record(args) -> int:
    from gait.capture.insole import record_insole
    from gait.recording.insole import load_layout

    _positive(args.duration, "--duration")
    calibration = _calibration(args)
    layout = load_layout(args.layout) if args.layout else None

    def progress(reader, recorder) -> None:
        s = reader.stats
        print(f"\r{recorder.rows} frames, lost {s.lost_frames}, CRC errors {s.crc_errors}   ",
              end="", file=sys.stderr, flush=True)  # fmt: skip

    result = record_insole(
        args.port, args.output, duration=args.duration, calibration=calibration, layout=layout,
        baudrate=args.baud, rate_hz=args.rate, progress=progress,
    )  # fmt: skip
    print(file=sys.stderr)
    s = result.stats
    files = str(result.path)
    if result.raw_path != result.path:
        files += f" (+ {result.raw_path.name})"
    print(f"recorded {result.rows} frames in {result.seconds:.1f} s from {result.port} to {files}; "
          f"lost {s.lost_frames}, CRC errors {s.crc_errors}, framing errors {s.framing_errors}")  # fmt: skip
    if result.unplugged:
        raise GaitError(
            f"{result.port}: board disconnected after {result.seconds:.1f} s; "
            f"the {result.rows} frames received before are saved in {result.path}"
        )
    return 0


def _monitor(args) -> int:
    from gait.capture.insole import InsoleReader, LiveTotals, find_board

    _positive(args.duration, "--duration")
    calibration = _calibration(args)
    port = find_board(baudrate=args.baud)[0] if args.port == "auto" else args.port
    reader = InsoleReader(port, baudrate=args.baud)
    if calibration is not None:
        try:
            calibration.check(reader.ident.n_left, reader.ident.n_right)
        except GaitError:
            reader.stop()
            raise
    live = LiveTotals(calibration)
    unit = "N" if calibration is not None else "counts"
    refresh = "\r" if sys.stdout.isatty() else ""
    end = "" if sys.stdout.isatty() else "\n"
    print(f"{port}: {reader.ident.text}, {reader.ident.n_left}+{reader.ident.n_right} sensors, "
          f"{reader.ident.rate_hz} Hz")  # fmt: skip
    start = time.monotonic()
    try:
        reader.start(live)
        while reader.running and (args.duration is None or time.monotonic() - start < args.duration):
            reader.wait(0.5)
            s = reader.stats
            received = s.frames + s.lost_frames
            loss = 100.0 * s.lost_frames / received if received else 0.0
            print(f"{refresh}L {live.left_total:9.1f} {unit}   R {live.right_total:9.1f} {unit}   "
                  f"{live.rate_hz():7.1f} Hz   lost {s.lost_frames} ({loss:.2f} %)   "
                  f"CRC errors {s.crc_errors}",
                  end=end, flush=True)  # fmt: skip
    except KeyboardInterrupt:
        pass
    finally:
        reader.stop()
    print("" if end else "\n", end="")
    if reader.error is not None:
        raise GaitError(f"{port}: reading stopped ({reader.error})")
    if reader.unplugged:
        raise GaitError(f"{port}: board disconnected")
    return 0


def _simulate(args) -> int:
    from gait.capture.insole_sim import InsoleSimulator
    from gait.recording.public_insole import read_any_insole

    for name, p in (("--noise", args.noise), ("--drop", args.drop)):
        if not 0.0 <= p <= 1.0:
            raise GaitError(f"{name} is a probability between 0 and 1")
    _positive(args.unplug_after, "--unplug-after")
    sim = InsoleSimulator(
        read_any_insole(args.source), calibration=_calibration(args), loop=args.loop,
        noise=args.noise, drop=args.drop, unplug_after=args.unplug_after, seed=args.seed,
    )  # fmt: skip
    print(f"device: {sim.device}", flush=True)
    print(f"{sim.ident.n_left}+{sim.ident.n_right} sensors at {sim.ident.rate_hz} Hz; streams once a "
          f"reader sends 'g' (e.g. gait insole monitor {sim.device}); Ctrl-C to quit",
          file=sys.stderr, flush=True)  # fmt: skip
    try:
        stats = sim.run()
    except KeyboardInterrupt:
        stats = sim.stats
        sim.close()
    print(f"sent {stats.sent} frames, {stats.noise_bursts} noise bursts, {stats.dropped_bytes} dropped bytes"
          + ("; unplugged" if stats.unplugged else ""), flush=True)  # fmt: skip
    return 0


def _convert(args) -> int:
    from gait.recording.insole import write_insole_csv
    from gait.recording.public_insole import read_any_insole

    rec = read_any_insole(args.source, args.format)
    try:
        path = write_insole_csv(rec, args.output)
    except OSError as exc:
        raise GaitError(f"{args.output}: cannot write ({exc.strerror})") from None
    sensors = f"{rec.left.shape[1]}+{rec.right.shape[1]} sensors"
    print(f"wrote {len(rec)} frames ({sensors}, {rec.rate_hz:g} Hz) to {path}")
    return 0
