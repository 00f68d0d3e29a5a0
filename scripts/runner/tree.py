"""The bring-up tree from STEP-BEGIN / STEP-END lines, drawn like docs/bringup.md.

    vmx_init  FAIL
     ├─ kvm_init  FAIL
     |   └─ disabled_by_bios  FAIL  IA32_FEATURE_CONTROL=0x1 lock=1
     └─ vmx_setup_l1d_flush  PASS

A step begun and never ended is drawn as CRASHED: the crash happened there.
"""

OPEN = "CRASHED"


def _children(steps):
    """parent path -> [child path] in the order the steps began."""
    kids = {}
    for path in steps:
        for i in range(1, len(path) + 1):
            parent, node = path[: i - 1], path[:i]
            lst = kids.setdefault(parent, [])
            if node not in lst:
                lst.append(node)
    return kids


def _label(steps, path):
    step = steps.get(path)
    verdict = step.verdict if step and step.verdict else (OPEN if step else "")
    values = f"  {step.values}" if step and step.values else ""
    return f"{path[-1]}  {verdict}{values}".rstrip()


def render(steps):
    """All steps as tree lines; [] when the guest reported none."""
    kids = _children(steps)
    lines = []

    def walk(path, prefix, last):
        branch = "└─ " if last else "├─ "
        lines.append((prefix + branch if path[:-1] else "") + _label(steps, path))
        sub = prefix + ("    " if last else "|   ") if path[:-1] else " "
        children = kids.get(path, [])
        for i, child in enumerate(children):
            walk(child, sub, i == len(children) - 1)

    for root in kids.get((), []):
        walk(root, "", True)
    return lines


def failing_path(steps):
    """The path to the deepest failed or unfinished step, as 'a > b > c  VERDICT', or None."""
    worst = None
    for path, step in steps.items():
        if step.verdict in ("FAIL", None) and (worst is None or len(path) > len(worst)):
            worst = path
    if worst is None:
        return None
    verdict = steps[worst].verdict or OPEN
    values = f"  {steps[worst].values}" if steps[worst].values else ""
    return f"{' > '.join(worst)}  {verdict}{values}"
