"""make bench's reading of the world-switch programs' lines (scripts/bench.py)."""
import importlib.util
import os
import unittest

import helpers  # noqa: F401  (the runner package on sys.path)

_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench.py")
_spec = importlib.util.spec_from_file_location("hvtest_bench", _PATH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def lines(*texts):
    """(arrival time, text) pairs, one second apart."""
    return [(float(i), t) for i, t in enumerate(texts)]


class ParseBenchLines(unittest.TestCase):
    def test_one_turn(self):
        found = bench.parse_bench_lines(lines(
            "INFO: [bench_start] bench: tsc_hz=2000000 source=pit turns=1 at=lib/bench.c:51",
            "INFO: [bench_begin] bench: harness begin round_trips=10 at=lib/bench.c:27",
            "INFO: [bench_result] bench: harness round_trips=10 tsc_cycles=570 cycles_per_trip=57.0 at=lib/bench.c:35"))
        self.assertEqual((found["tsc_hz"], found["turns"]), (2000000, 1))
        h = found["harness"]
        self.assertEqual((h["wall"], h["round_trips"], h["tsc_cycles"], h["turns"]), (1.0, 10, 570, 1))
        self.assertEqual(h["cycles_per_trip"], 57.0)

    def test_turns_add_up(self):
        # Two kinds taking turns: each kind's wall time is the sum of its own turns only.
        found = bench.parse_bench_lines(lines(
            "INFO: bench: harness begin round_trips=5",
            "INFO: bench: harness round_trips=5 tsc_cycles=300 cycles_per_trip=60.0",
            "INFO: bench: bare begin round_trips=5",
            "INFO: bench: bare round_trips=5 tsc_cycles=65 cycles_per_trip=13.0",
            "INFO: bench: harness begin round_trips=4",
            "INFO: bench: harness round_trips=4 tsc_cycles=200 cycles_per_trip=50.0",
            "INFO: bench: bare begin round_trips=4",
            "INFO: bench: bare round_trips=4 tsc_cycles=52 cycles_per_trip=13.0"))
        h, b = found["harness"], found["bare"]
        self.assertEqual((h["wall"], h["round_trips"], h["tsc_cycles"], h["turns"]), (2.0, 9, 500, 2))
        self.assertAlmostEqual(h["cycles_per_trip"], 500 / 9)
        self.assertEqual((b["wall"], b["round_trips"], b["turns"]), (2.0, 9, 2))

    def test_turn_without_result_is_not_counted(self):
        # A turn that began and never reported (the guest hung) adds nothing; a kind with no
        # complete turn is left out, so the bench reports it as incomplete.
        found = bench.parse_bench_lines(lines(
            "INFO: bench: bare begin round_trips=5",
            "INFO: bench: bare round_trips=5 tsc_cycles=65 cycles_per_trip=13.0",
            "INFO: bench: bare begin round_trips=5",
            "INFO: bench: harness begin round_trips=5"))
        self.assertEqual(found["bare"]["round_trips"], 5)
        self.assertNotIn("harness", found)

    def test_begin_again_restarts_the_turn(self):
        # A begin line with no result before the next begin: the turn is timed from the later one.
        found = bench.parse_bench_lines(lines(
            "INFO: bench: bare begin round_trips=5",
            "INFO: bench: bare begin round_trips=5",
            "INFO: bench: bare round_trips=5 tsc_cycles=65 cycles_per_trip=13.0"))
        self.assertEqual((found["bare"]["wall"], found["bare"]["turns"]), (1.0, 1))

    def test_result_without_begin_is_ignored(self):
        found = bench.parse_bench_lines(lines(
            "INFO: bench: bare round_trips=5 tsc_cycles=65 cycles_per_trip=13.0",
            "INFO: bench: bare begin round_trips=5",
            "INFO: bench: bare round_trips=5 tsc_cycles=65 cycles_per_trip=13.0"))
        self.assertEqual((found["bare"]["round_trips"], found["bare"]["turns"]), (5, 1))


if __name__ == "__main__":
    unittest.main()
