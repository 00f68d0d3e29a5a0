#!/usr/bin/env python3
"""Run a job of .github/workflows/hvtest.yml on this machine, step by step, as GitHub would.

    python3 scripts/ci/workflow.py [--env NAME=VALUE ...] [--keep] JOB

The same commands in the same order; what only GitHub has is stubbed by
environment variables:
- actions/checkout: the job runs in a copy of this working tree (tracked and
  untracked files that git does not ignore, plus build/ and config.mak so
  that nothing is rebuilt): GITHUB_WORKSPACE, in a temporary directory;
- GITHUB_ACTIONS=true; GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_ENV,
  RUNNER_TEMP: files and a directory there; the caller's GITHUB_*,
  RUNNER_*, ACTIONS_* and make variables are not passed on;
- PATH starts with a stub `sudo` that records its command line and standard
  input (the job's sudo.log) and changes nothing on this machine;
- actions/upload-artifact: every path it names must exist (recorded);
- `uses: ./` runs action.yml's composite steps with its inputs (defaults,
  then `with:`, then INPUT_<NAME> of --env, as GitHub names an action's
  inputs in the environment);
- --env NAME=VALUE adds a variable to every step (make check's test passes
  MAKEFLAGS=n: the tree is built and make check is the command running it).

The YAML is read with the npm package `yaml` that `scripts/install-deps.sh
--check` installs under build/npm.  Expressions: `${{ }}` with contexts
github.workspace, github.action_path, runner.temp, runner.os, inputs.*,
steps.*.outputs.*, steps.*.outcome, env.*; `if:` with always(), success(),
failure(), cancelled() and `!`.  Anything else is refused by name, so a new
construct in the workflow is noticed here before it is pushed.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKFLOW = os.path.join(".github", "workflows", "hvtest.yml")
ACTION = "action.yml"
NPM_DIR = os.path.join("build", "npm")
VALIDATOR = os.path.join(NPM_DIR, "node_modules", ".bin", "action-validator")
YAML_MODULE = os.path.join(NPM_DIR, "node_modules", "yaml")
SHELLS = {None: ["bash", "-e", "{0}"], "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"],
          "sh": ["sh", "-e", "{0}"]}
NOT_PASSED_ON = re.compile(r"(GITHUB_|RUNNER_|ACTIONS_|INPUT_)|(MAKEFLAGS|MFLAGS|MAKELEVEL|MAKEOVERRIDES|"
                           r"HVTEST_ROOT)\Z")
SUDO_STUB = """#!/bin/sh
# sudo, stubbed: records what it was asked, changes nothing.
{ printf 'sudo'; printf ' %s' "$@"; printf '\\n'; [ -t 0 ] || sed 's/^/  stdin: /'; } >>"$HVTEST_SUDO_LOG"
"""
_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_STATUS_CALL = re.compile(r"(!\s*)?(always|success|failure|cancelled)\(\)\Z")
_CONTEXT = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)+\Z")


class Unsupported(Exception):
    """A construct of the workflow this stand-in for GitHub does not know."""


def load_yaml(path, root=ROOT):
    """The YAML file at path as Python data (through node and the npm package yaml)."""
    module = os.path.join(root, YAML_MODULE)
    if not os.path.isdir(module):
        raise FileNotFoundError(f"{YAML_MODULE} missing: run scripts/install-deps.sh --check")
    js = ("const Y = require(process.argv[1]); const fs = require('fs');"
          "process.stdout.write(JSON.stringify(Y.parse(fs.readFileSync(process.argv[2], 'utf8'))));")
    out = subprocess.run(["node", "-e", js, module, path], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_scripts(doc):
    """(where, shell, script) of every run: step of a workflow or action document."""
    found = []
    jobs = doc.get("jobs") or {}
    for job_id, job in jobs.items():
        default = ((job.get("defaults") or {}).get("run") or {}).get("shell") or \
            ((doc.get("defaults") or {}).get("run") or {}).get("shell")
        for i, step in enumerate(job.get("steps") or []):
            if "run" in step:
                found.append((f"jobs.{job_id}.steps[{i}] ({step.get('name', '')})",
                              step.get("shell", default), step["run"]))
    for i, step in enumerate((doc.get("runs") or {}).get("steps") or []):
        if "run" in step:
            found.append((f"runs.steps[{i}] ({step.get('name', '')})", step.get("shell"), step["run"]))
    return found


class Step:
    """What one step did."""

    def __init__(self, name, outcome, output="", outputs=None):
        self.name, self.outcome, self.output, self.outputs = name, outcome, output, outputs or {}

    def __repr__(self):
        return f"Step({self.name!r}, {self.outcome})"


class Job:
    """A job's run here: its steps (the composite's inside `uses: ./` too), files, stubs."""

    def __init__(self, workspace, temp):
        self.workspace, self.temp = workspace, temp
        self.steps = []                 # every step run or skipped, in order
        self.uploads = {}               # artifact name -> paths found
        self.failed = False
        self.env = {}                   # every step's environment, GITHUB_ENV additions included

    def read(self, name):
        """A file the job wrote for GitHub: summary.md, sudo.log."""
        try:
            with open(os.path.join(self.temp, name), encoding="utf-8") as f:
                return f.read()
        except OSError:
            return ""

    @property
    def output(self):
        return "".join(s.output for s in self.steps)


def _parse_file_commands(path):
    """NAME=value and NAME<<DELIMITER lines of GITHUB_OUTPUT / GITHUB_ENV."""
    values = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return values
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            values[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        name, eq, value = line.partition("=")
        if eq:
            values[name] = value
        i += 1
    return values


def _text(value):
    return str(value).lower() if isinstance(value, bool) else "" if value is None else str(value)


class Scope:
    """What expressions see: the contexts of the workflow's job or of a composite action.

    env: the job's environment (workflow and job env:, GITHUB_ENV additions)
    with, in a composite action, the env: of the step that uses it.
    """

    def __init__(self, job, github, inputs=None, step_env=None):
        self.job, self.github, self.inputs, self.step_env = job, github, inputs or {}, step_env or {}
        self.steps = {}
        self.failed = False

    @property
    def env(self):
        return dict(self.job.env, **self.step_env)

    def value(self, expr):
        expr = expr.strip()
        m = _STATUS_CALL.match(expr)
        if m:
            v = {"always": True, "success": not self.failed, "failure": self.failed,
                 "cancelled": False}[m.group(2)]
            return not v if m.group(1) else v
        if not _CONTEXT.match(expr):
            raise Unsupported(f"expression ${{{{ {expr} }}}}")
        head, *path = expr.split(".")
        contexts = {"github": self.github, "runner": {"temp": os.path.join(self.job.temp, "runner"), "os": "Linux"},
                    "inputs": self.inputs, "steps": self.steps, "env": self.env}
        if head not in contexts:
            raise Unsupported(f"context {head} in ${{{{ {expr} }}}}")
        v = contexts[head]
        for p in path:
            v = v.get(p, "") if isinstance(v, dict) else ""
        return v

    def expand(self, text):
        if not isinstance(text, str):
            return _text(text)
        return _EXPR.sub(lambda m: _text(self.value(m.group(1))), text)

    def condition(self, text):
        if text is None:
            return not self.failed
        m = _EXPR.fullmatch(text.strip()) if isinstance(text, str) else None
        return bool(self.value(m.group(1) if m else _text(text)))


def _copy_tree(root, dest):
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=root, check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = os.path.join(root, rel)
        if not os.path.lexists(src):
            continue                    # deleted in the working tree
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel), follow_symlinks=False)
    if os.path.isdir(os.path.join(root, "build")):
        shutil.copytree(os.path.join(root, "build"), os.path.join(dest, "build"), symlinks=True,
                        ignore=lambda d, names: ["npm"] if os.path.samefile(d, os.path.join(root, "build")) else [])
    if os.path.exists(os.path.join(root, "config.mak")):
        shutil.copy2(os.path.join(root, "config.mak"), os.path.join(dest, "config.mak"))


class Runner:
    def __init__(self, root, extra_env, echo):
        self.root, self.extra_env, self.echo = root, dict(extra_env), echo

    def base_env(self, job):
        env = {k: v for k, v in os.environ.items() if not NOT_PASSED_ON.match(k)}
        stubs = os.path.join(job.temp, "stubs")
        env.update(CI="true", GITHUB_ACTIONS="true", GITHUB_WORKSPACE=job.workspace,
                   RUNNER_TEMP=os.path.join(job.temp, "runner"), RUNNER_OS="Linux",
                   GITHUB_STEP_SUMMARY=os.path.join(job.temp, "summary.md"),
                   HVTEST_SUDO_LOG=os.path.join(job.temp, "sudo.log"),
                   PATH=stubs + os.pathsep + env.get("PATH", "/usr/bin:/bin"))
        env.update({k: v for k, v in self.extra_env.items() if not k.startswith("INPUT_")})
        return env

    def say(self, text):
        if self.echo:
            print(text, flush=True)

    def run_job(self, job_id, workflow=None):
        workflow = workflow or load_yaml(os.path.join(self.root, WORKFLOW), self.root)
        if job_id not in workflow.get("jobs", {}):
            raise Unsupported(f"no job {job_id} in {WORKFLOW} (jobs: {', '.join(workflow.get('jobs', {}))})")
        spec = workflow["jobs"][job_id]
        temp = tempfile.mkdtemp(prefix=f"hvtest-job-{job_id}-")
        job = Job(os.path.join(temp, "workspace"), temp)
        os.makedirs(os.path.join(temp, "runner"))
        os.makedirs(os.path.join(temp, "stubs"))
        with open(os.path.join(temp, "stubs", "sudo"), "w", encoding="utf-8") as f:
            f.write(SUDO_STUB)
        os.chmod(os.path.join(temp, "stubs", "sudo"), 0o755)
        job.env = self.base_env(job)
        scope = Scope(job, {"workspace": job.workspace, "action_path": job.workspace})
        for source in (workflow.get("env") or {}, spec.get("env") or {}):
            job.env.update({k: scope.expand(v) for k, v in source.items()})
        defaults = ((spec.get("defaults") or workflow.get("defaults") or {}).get("run") or {})
        self.say(f"== job {job_id}: {spec.get('name', job_id)} (workspace {job.workspace})")
        self.run_steps(spec.get("steps") or [], scope, job, defaults, composite=False)
        job.failed = scope.failed
        self.say(f"== job {job_id}: {'failure' if job.failed else 'success'}")
        return job

    def run_steps(self, steps, scope, job, defaults, composite):
        for i, spec in enumerate(steps):
            name = spec.get("name") or spec.get("uses") or spec.get("run", "").split("\n")[0]
            sid = spec.get("id") or f"__{i}"
            if not scope.condition(spec.get("if")):
                job.steps.append(Step(name, "skipped"))
                scope.steps[sid] = {"outputs": {}, "outcome": "skipped"}
                self.say(f"-- skipped: {name}")
                continue
            self.say(f"-- step: {name}")
            env = {k: scope.expand(v) for k, v in (spec.get("env") or {}).items()}
            if "uses" in spec:
                step = self.uses(spec, name, scope, job, env)
            elif "run" in spec:
                shell = spec.get("shell") or defaults.get("shell")
                if composite and not shell:
                    raise Unsupported(f"composite step {name}: no shell (GitHub requires one)")
                cwd = scope.expand(spec.get("working-directory") or defaults.get("working-directory") or ".")
                step = self.run(spec, name, scope, job, env, shell, os.path.join(job.workspace, cwd))
            else:
                raise Unsupported(f"step {name}: neither run nor uses")
            if step.outcome == "failure":
                scope.failed = True
            scope.steps[sid] = {"outputs": step.outputs, "outcome": step.outcome, "conclusion": step.outcome}

    def run(self, spec, name, scope, job, env, shell, cwd):
        if shell not in SHELLS:
            raise Unsupported(f"step {name}: shell {shell}")
        script = os.path.join(job.temp, "runner", f"step-{len(job.steps)}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(scope.expand(spec["run"]))
        files = {k: os.path.join(job.temp, "runner", f"{k.lower()}-{len(job.steps)}")
                 for k in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
        for path in files.values():
            open(path, "w").close()
        env = {**scope.env, **env, **files}
        argv = [script if a == "{0}" else a for a in SHELLS[shell]]
        lines = []
        with subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace") as proc:
            for line in proc.stdout:
                lines.append(line)
                if self.echo:
                    sys.stdout.write("   " + line)
        code = proc.returncode
        job.env.update(_parse_file_commands(files["GITHUB_ENV"]))
        for d in reversed(_read_lines(files["GITHUB_PATH"])):
            job.env["PATH"] = d + os.pathsep + job.env["PATH"]
        step = Step(name, "success" if code == 0 else "failure", "".join(lines),
                    _parse_file_commands(files["GITHUB_OUTPUT"]))
        if code:
            self.say(f"   (exit status {code})")
        job.steps.append(step)
        return step

    def uses(self, spec, name, scope, job, env):
        target = spec["uses"]
        with_ = {k: scope.expand(v) for k, v in (spec.get("with") or {}).items()}
        if target.startswith("actions/checkout@"):
            _copy_tree(self.root, job.workspace)
            step = Step(name, "success", f"checkout: a copy of {self.root}\n")
        elif target.startswith("actions/upload-artifact@"):
            paths = [p.strip() for p in with_.get("path", "").splitlines() if p.strip()]
            found = [p for p in paths if glob.glob(os.path.join(job.workspace, p))]
            job.uploads[with_.get("name", "artifact")] = found
            missing = [p for p in paths if p not in found]
            bad = missing and with_.get("if-no-files-found", "warn") == "error" and not found
            step = Step(name, "failure" if bad else "success",
                        f"upload-artifact {with_.get('name')}: {' '.join(found) or 'nothing'}"
                        + (f" (missing: {' '.join(missing)})" if missing else "") + "\n")
            self.say("   " + step.output.rstrip())
        elif target == "./":
            return self.composite(spec, name, scope, job, env, with_)
        else:
            raise Unsupported(f"step {name}: uses {target}")
        job.steps.append(step)
        return step

    def composite(self, spec, name, outer, job, env, with_):
        action = load_yaml(os.path.join(job.workspace, ACTION), self.root)
        if (action.get("runs") or {}).get("using") != "composite":
            raise Unsupported(f"{ACTION}: not a composite action")
        declared = action.get("inputs") or {}
        unknown = set(with_) - set(declared)
        if unknown:
            raise Unsupported(f"step {name}: {ACTION} has no input {', '.join(sorted(unknown))}")
        inputs = {k: outer.expand(v.get("default", "")) for k, v in declared.items()}
        inputs.update(with_)
        for k in declared:
            override = self.extra_env.get("INPUT_" + k.upper())
            if override is not None:
                inputs[k] = override
        scope = Scope(job, dict(outer.github, action_path=job.workspace), inputs, dict(outer.step_env, **env))
        self.run_steps(action["runs"]["steps"], scope, job, {}, composite=True)
        outputs = {k: scope.expand(v.get("value", "")) for k, v in (action.get("outputs") or {}).items()}
        step = Step(name, "failure" if scope.failed else "success", "", outputs)
        job.steps.append(step)
        self.say(f"   ({name}: {step.outcome})")
        return step


def _read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []


def run_job(job_id, env=(), root=ROOT, echo=False):
    """Run job_id of the workflow here; a Job (its temporary directory is the caller's to remove)."""
    return Runner(root, dict(env), echo).run_job(job_id)


def main(argv):
    import argparse
    p = argparse.ArgumentParser(prog="scripts/ci/workflow.py", description=__doc__.split("\n\n")[0])
    p.add_argument("job", help="a job of .github/workflows/hvtest.yml (kvm, emulated)")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                   help="a variable for every step (INPUT_<NAME>: an input of uses: ./)")
    p.add_argument("--keep", action="store_true", help="keep the job's temporary directory")
    args = p.parse_args(argv)
    env = dict(e.split("=", 1) for e in args.env if "=" in e)
    try:
        job = run_job(args.job, env, echo=True)
    except (Unsupported, FileNotFoundError, subprocess.CalledProcessError) as e:
        print(f"workflow.py: {e}", file=sys.stderr)
        return 2
    if args.keep:
        print(f"kept: {job.temp}")
    else:
        shutil.rmtree(job.temp, ignore_errors=True)
    return 1 if job.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
